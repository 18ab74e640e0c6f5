import Testing
@testable import GrapevineCore

@Suite("Hybrid logical clock")
struct HybridLogicalClockTests {
    @Test("stamps stay monotonic when the wall clock goes backwards")
    func monotonicWhenClockStepsBack() {
        var clock = HybridLogicalClock()
        let a = clock.tick(physicalMillis: 10_000)
        let b = clock.tick(physicalMillis: 5_000)
        let c = clock.tick(physicalMillis: 5_001)
        #expect(a < b && b < c)
        #expect(b.millis == 10_000 && b.counter == 1)
        let d = clock.tick(physicalMillis: 20_000)
        #expect(d == HLCStamp(millis: 20_000, counter: 0))
    }

    @Test("an exhausted counter borrows the next millisecond")
    func counterOverflow() {
        var clock = HybridLogicalClock(last: HLCStamp(millis: 100, counter: .max))
        let next = clock.tick(physicalMillis: 50)
        #expect(next == HLCStamp(millis: 101, counter: 0))
    }

    @Test("observing a remote stamp puts later local stamps after it")
    func mergesRemote() {
        var clock = HybridLogicalClock()
        _ = clock.tick(physicalMillis: 1_000)
        let remote = HLCStamp(millis: 5_000, counter: 3)
        let merged = clock.observe(remote, physicalMillis: 1_000)
        #expect(merged)
        let next = clock.tick(physicalMillis: 1_001)
        #expect(next > remote)
        #expect(next == HLCStamp(millis: 5_000, counter: 4))
    }

    @Test("a stamp beyond the future tolerance is not merged into the clock")
    func refusesFarFuture() {
        var clock = HybridLogicalClock(futureToleranceMillis: 600_000)
        let now: UInt64 = 1_000_000
        let far = HLCStamp(millis: now + 600_001, counter: 0)
        let near = HLCStamp(millis: now + 600_000, counter: 0)
        #expect(clock.isTooFarAhead(far, physicalMillis: now))
        let mergedFar = clock.observe(far, physicalMillis: now)
        #expect(!mergedFar)
        #expect(clock.last < far)
        let mergedNear = clock.observe(near, physicalMillis: now)
        #expect(mergedNear)
        #expect(clock.last == near)
    }

    @Test("the default future tolerance is ten minutes")
    func defaultTolerance() {
        #expect(HybridLogicalClock.defaultFutureToleranceMillis == 600_000)
    }

    @Test("a stamp packs 48 bits of milliseconds above a 16-bit counter")
    func packing() {
        let s = HLCStamp(millis: 0x1234_5678_9abc, counter: 0xdef0)
        #expect(s.rawValue == 0x1234_5678_9abc_def0)
        #expect(s.millis == 0x1234_5678_9abc && s.counter == 0xdef0)
    }
}
