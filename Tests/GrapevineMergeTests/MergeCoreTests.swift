import GrapevineCore
@testable import GrapevineMerge
import Testing

@Suite struct MergeCoreTests {
    let now = Fixtures.base + 1000

    @Test func theGreatestStampWinsAndALateLoserIsSuperseded() throws {
        let alice = Fixtures.signingKey("alice")
        let old = EntryMeta(try Fixtures.card("fn", "Ada", HLCStamp(millis: Fixtures.base + 1, counter: 0), alice))
        let new = EntryMeta(try Fixtures.card("fn", "Ada L.", HLCStamp(millis: Fixtures.base + 2, counter: 0), alice))
        var core = MergeCore()
        #expect(core.merge(old, physicalMillis: now) == MergeResult(outcome: .new))
        #expect(core.merge(new, physicalMillis: now) == MergeResult(outcome: .new, evicted: [old.id]))
        #expect(core.merge(old, physicalMillis: now) == MergeResult(outcome: .superseded))
        #expect(core.winner(author: new.author, kind: .card, replacementKey: Array("fn".utf8)) == new)
        #expect(core.retainedIDs == [new.id])

        var reversed = MergeCore()
        #expect(reversed.merge(new, physicalMillis: now).outcome == .new)
        #expect(reversed.merge(old, physicalMillis: now).outcome == .superseded)
        #expect(reversed.digest == core.digest)
    }

    @Test func anEqualStampIsBrokenByTheGreaterID() throws {
        let alice = Fixtures.signingKey("alice")
        let stamp = HLCStamp(millis: Fixtures.base, counter: 7)
        let a = EntryMeta(try Fixtures.card("fn", "Ada", stamp, alice))
        let b = EntryMeta(try Fixtures.card("fn", "Augusta", stamp, alice))
        let (low, high) = a.id < b.id ? (a, b) : (b, a)
        var core = MergeCore()
        _ = core.merge(high, physicalMillis: now)
        #expect(core.merge(low, physicalMillis: now).outcome == .superseded)
        var other = MergeCore()
        _ = other.merge(low, physicalMillis: now)
        #expect(other.merge(high, physicalMillis: now) == MergeResult(outcome: .new, evicted: [low.id]))
        #expect(core.retainedIDs == [high.id] && other.retainedIDs == [high.id])
    }

    @Test func theSameIDTwiceIsADuplicate() throws {
        let entry = EntryMeta(try Fixtures.card("fn", "Ada", HLCStamp(millis: Fixtures.base, counter: 0),
                                                Fixtures.signingKey("alice")))
        var core = MergeCore()
        #expect(core.merge(entry, physicalMillis: now).outcome == .new)
        #expect(core.merge(entry, physicalMillis: now).outcome == .duplicate)
        #expect(core.retainedCount == 1)
    }

    @Test func onlyTheKGreatestWinnersPerAuthorAndKindAreRetainedAndTheFloorDropsLowerOnes() {
        var rng = SeededRandom(seed: 1)
        let bounds = Fixtures.small
        var core = MergeCore(bounds: bounds)
        let metas = (0..<6).map { i in
            Fixtures.meta(author: 1, kind: .card, key: Array("f\(i)".utf8),
                          stamp: HLCStamp(millis: Fixtures.base + UInt64(i) * 10, counter: 0), id: Fixtures.id(&rng))
        }
        for m in metas[0..<3] { #expect(core.merge(m, physicalMillis: now).outcome == .new) }
        // A fourth key above the floor enters and evicts the smallest winner.
        #expect(core.merge(metas[3], physicalMillis: now) == MergeResult(outcome: .new, evicted: [metas[0].id]))
        // Below the floor (the 3rd greatest): dropped, though its key has no retained winner.
        let low = Fixtures.meta(author: 1, kind: .card, key: Array("g".utf8),
                                stamp: HLCStamp(millis: Fixtures.base + 5, counter: 0), id: Fixtures.id(&rng))
        #expect(core.merge(low, physicalMillis: now).outcome == .superseded)
        // The evicted entry arriving again is superseded, as it would be in any order.
        #expect(core.merge(metas[0], physicalMillis: now).outcome == .superseded)
        // Another author and another kind have bounds of their own.
        let bob = Fixtures.meta(author: 2, kind: .card, key: Array("f0".utf8), stamp: .zero, id: Fixtures.id(&rng))
        #expect(core.merge(bob, physicalMillis: now).outcome == .new)
        #expect(core.retained(author: Fixtures.identity(1), kind: .card).map(\.id) == metas[1..<4].map(\.id))
        #expect(core.retainedIDs == Fixtures.expectedRetained(metas[0..<4] + [low, bob], bounds: bounds))
    }

    @Test func aNewerValueForARetainedKeyReplacesItWithoutEvictingOthers() {
        var rng = SeededRandom(seed: 2)
        var core = MergeCore(bounds: Fixtures.small)
        let metas = (0..<3).map { i in
            Fixtures.meta(author: 1, kind: .card, key: Array("f\(i)".utf8),
                          stamp: HLCStamp(millis: Fixtures.base + UInt64(i), counter: 0), id: Fixtures.id(&rng))
        }
        for m in metas { _ = core.merge(m, physicalMillis: now) }
        let rewrite = Fixtures.meta(author: 1, kind: .card, key: Array("f0".utf8),
                                    stamp: HLCStamp(millis: Fixtures.base + 9, counter: 0), id: Fixtures.id(&rng))
        #expect(core.merge(rewrite, physicalMillis: now) == MergeResult(outcome: .new, evicted: [metas[0].id]))
        #expect(core.retainedCount == 3)
    }

    @Test func unknownKindsAreMergedLastWriterWinsByKeyWithTheirOwnBound() throws {
        let alice = Fixtures.signingKey("alice")
        let kind = EntryKind(rawValue: 99)
        func entry(_ key: String, _ offset: UInt64) throws -> EntryMeta {
            EntryMeta(try SignedEntry.sign(.unknown(payload: [UInt8(offset)]), kind: kind, key: Array(key.utf8),
                                           stamp: HLCStamp(millis: Fixtures.base + offset, counter: 0), with: alice))
        }
        let k1 = try entry("k", 1), k2 = try entry("k", 2), j = try entry("j", 0), i = try entry("i", 3)
        var core = MergeCore(bounds: Fixtures.small)
        for m in [k2, k1, j] { _ = core.merge(m, physicalMillis: now) }
        #expect(core.retainedIDs == [k2.id, j.id].sorted())
        #expect(core.merge(i, physicalMillis: now) == MergeResult(outcome: .new, evicted: [j.id]))
        #expect(core.winner(author: k2.author, kind: kind, replacementKey: Array("k".utf8)) == k2)
    }

    @Test func introductionsAreAddOnlyBecauseEachIsItsOwnKey() throws {
        let alice = Fixtures.signingKey("alice")
        let bob = try #require(PublicIdentity(bytes: Fixtures.signingKey("bob").publicKey))
        let carol = try #require(PublicIdentity(bytes: Fixtures.signingKey("carol").publicKey))
        var core = MergeCore()
        for n in 0..<3 {
            let e = try SignedEntry.sign(.introduction(IntroductionInfo(a: bob, b: carol, note: "\(n)")),
                                         stamp: HLCStamp(millis: Fixtures.base + UInt64(n), counter: 0), with: alice)
            #expect(core.merge(EntryMeta(e), physicalMillis: now).outcome == .new)
        }
        #expect(core.retainedCount == 3)
    }

    @Test func aMalformedStoredRowIsRejected() {
        var rng = SeededRandom(seed: 3)
        var core = MergeCore()
        let endpointWithKey = Fixtures.meta(author: 1, kind: .endpoint, key: [1], stamp: .zero, id: Fixtures.id(&rng))
        #expect(core.merge(endpointWithKey, physicalMillis: now).outcome == .rejected(.keyMismatch))
        let longUnknown = Fixtures.meta(author: 1, kind: EntryKind(rawValue: 77), key: [UInt8](repeating: 1, count: 65),
                                        stamp: .zero, id: Fixtures.id(&rng))
        #expect(core.merge(longUnknown, physicalMillis: now).outcome == .rejected(.invalidField))
        let introduction = EntryMeta(id: Fixtures.id(&rng), author: Fixtures.identity(1), kind: .introduction,
                                     replacementKey: Fixtures.id(&rng).bytes, stamp: .zero)
        #expect(core.merge(introduction, physicalMillis: now).outcome == .rejected(.keyMismatch))
        #expect(core.retainedCount == 0 && core.reconciliation.count == 0)
    }

    @Test func aFarFutureEntryIsHeldOutsideTheDigestUntilDue() {
        var rng = SeededRandom(seed: 4)
        let tolerance = HybridLogicalClock.defaultFutureToleranceMillis
        var core = MergeCore()
        let current = Fixtures.meta(author: 1, kind: .card, key: Array("fn".utf8),
                                    stamp: HLCStamp(millis: now, counter: 0), id: Fixtures.id(&rng))
        let future = Fixtures.meta(author: 1, kind: .card, key: Array("fn".utf8),
                                   stamp: HLCStamp(millis: now + tolerance + 1, counter: 0), id: Fixtures.id(&rng))
        let edge = Fixtures.meta(author: 1, kind: .card, key: Array("org".utf8),
                                 stamp: HLCStamp(millis: now + tolerance, counter: .max), id: Fixtures.id(&rng))
        #expect(core.merge(current, physicalMillis: now).outcome == .new)
        #expect(core.merge(future, physicalMillis: now).outcome == .quarantined)
        #expect(core.merge(future, physicalMillis: now).outcome == .duplicate)
        #expect(core.merge(edge, physicalMillis: now).outcome == .new)
        #expect(core.isHeld(future.id) && !core.isRetained(future.id) && core.quarantinedCount == 1)
        #expect(core.digest == Fingerprint(ids: [current.id, edge.id]))
        #expect(core.reconciliation.fingerprint == Fingerprint(ids: [current.id, edge.id, future.id]))

        #expect(core.releaseDue(physicalMillis: now).isEmpty)
        let released = core.releaseDue(physicalMillis: now + 1)
        #expect(released.count == 1)
        #expect(released.first?.entry == future)
        #expect(released.first?.result == MergeResult(outcome: .new, evicted: [current.id]))
        #expect(core.quarantinedCount == 0 && core.retainedIDs == [future.id, edge.id].sorted())
        #expect(core.reconciliation.fingerprint == core.digest)
    }

    @Test func aReleasedEntryThatLostMeanwhileIsSuperseded() {
        var rng = SeededRandom(seed: 5)
        var core = MergeCore(futureToleranceMillis: 0)
        let future = Fixtures.meta(author: 1, kind: .card, key: Array("fn".utf8),
                                   stamp: HLCStamp(millis: now + 10, counter: 0), id: Fixtures.id(&rng))
        let later = Fixtures.meta(author: 1, kind: .card, key: Array("fn".utf8),
                                  stamp: HLCStamp(millis: now + 20, counter: 0), id: Fixtures.id(&rng))
        #expect(core.merge(future, physicalMillis: now).outcome == .quarantined)
        // The wall clock moved on for another caller: the later entry is due and merged first.
        #expect(core.merge(later, physicalMillis: now + 30).outcome == .new)
        let released = core.releaseDue(physicalMillis: now + 30)
        #expect(released.map(\.result) == [MergeResult(outcome: .superseded)])
        #expect(!core.isHeld(future.id) && core.reconciliation.count == 1)
    }

    @Test func quarantineKeepsTheSmallestStampsPerAuthorAndInAll() {
        var rng = SeededRandom(seed: 6)
        let bounds = Fixtures.small   // 3 per author, 5 in all
        let far = now + HybridLogicalClock.defaultFutureToleranceMillis + 1
        func future(_ author: UInt8, _ offset: UInt64) -> EntryMeta {
            Fixtures.meta(author: author, kind: .card, key: Array("f\(offset)".utf8),
                          stamp: HLCStamp(millis: far + offset, counter: 0), id: Fixtures.id(&rng))
        }
        let a = (1...4).map { future(1, UInt64($0)) }
        var core = MergeCore(bounds: bounds)
        for m in a.reversed() { _ = core.merge(m, physicalMillis: now) }
        #expect(core.quarantined == Array(a[0..<3]))
        #expect(core.merge(a[3], physicalMillis: now).outcome == .superseded)
        let b = (1...3).map { future(2, UInt64($0) * 2) }
        let results = b.map { core.merge($0, physicalMillis: now) }
        #expect(results[0] == MergeResult(outcome: .quarantined))
        #expect(results[1] == MergeResult(outcome: .quarantined))
        // The sixth would exceed 5 in all: the greatest held stamp (a[2] at +3 < b[2] at +6) loses — b[2] itself.
        #expect(results[2] == MergeResult(outcome: .superseded))
        let early = future(3, 0)
        #expect(core.merge(early, physicalMillis: now) == MergeResult(outcome: .quarantined, evicted: [b[1].id]))
        #expect(core.quarantinedCount == 5 && core.reconciliation.count == 5)
    }
}
