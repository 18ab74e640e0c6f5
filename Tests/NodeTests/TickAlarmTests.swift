import Testing
@testable import Node

/// The tick loop's sleep, ended early by a commit. Each sleep here is a minute long unless the
/// test means it to run out, so a ring that did not end it would show as a test over its limit.
@Suite(.timeLimit(.minutes(1))) struct TickAlarmTests {
    @Test func aRingWhileNobodySleepsEndsTheNextSleepAtOnce() async {
        let alarm = TickAlarm()
        alarm.ring()
        await alarm.sleep(millis: 600_000)
        await alarm.sleep(millis: 1)
    }

    @Test func aRingEndsASleepUnderWay() async {
        let alarm = TickAlarm()
        let sleeper = Task { await alarm.sleep(millis: 600_000) }
        try? await Task.sleep(for: .milliseconds(20))
        alarm.ring()
        await sleeper.value
    }

    @Test func aSleepNobodyRingsEndsAfterItsTime() async {
        await TickAlarm().sleep(millis: 1)
    }

    @Test func cancellingTheSleepingTaskEndsItsSleep() async {
        let alarm = TickAlarm()
        let sleeper = Task { await alarm.sleep(millis: 600_000) }
        sleeper.cancel()
        await sleeper.value
    }
}
