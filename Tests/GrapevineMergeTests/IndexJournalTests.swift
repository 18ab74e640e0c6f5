import GrapevineCore
@testable import GrapevineMerge
import Testing

/// The store publishes the reconciliation index to the gossip engine after each commit as the
/// changes the core journaled, so that the core never shares (and then copies) its own index.
@Suite struct IndexJournalTests {
    let now = Fixtures.base + 1000

    @Test func aCopyKeptCurrentFromTheJournalHoldsWhatTheCoreHolds() {
        var rng = SeededRandom(seed: 21)
        var core = MergeCore(futureToleranceMillis: 0)
        core.journalIndexChanges()
        var copy = core.reconciliation
        for round in 0..<40 {
            // Replacements (evictions), quarantined entries from the future, and releases.
            for author: UInt8 in 0..<5 {
                let millis = round % 3 == 0 ? now + 50 : now - UInt64(round)
                let meta = Fixtures.meta(author: author, kind: .card, key: Array("f\(round % 4)".utf8),
                                         stamp: HLCStamp(millis: millis + UInt64(author), counter: 0), id: Fixtures.id(&rng))
                _ = core.merge(meta, physicalMillis: now)
            }
            if round % 7 == 6 { _ = core.releaseDue(physicalMillis: now + 60) }
            copy.apply(core.takeIndexChanges())
            #expect(copy.count == core.reconciliation.count)
            #expect(copy.fingerprint == core.reconciliation.fingerprint)
        }
        #expect(core.takeIndexChanges().isEmpty)
    }

    @Test func aCoreThatIsNotAskedToJournalKeepsNoChanges() {
        var rng = SeededRandom(seed: 22)
        var core = MergeCore()
        _ = core.merge(Fixtures.meta(author: 1, kind: .card, key: Array("fn".utf8),
                                     stamp: HLCStamp(millis: now, counter: 0), id: Fixtures.id(&rng)), physicalMillis: now)
        #expect(core.takeIndexChanges().isEmpty)
        #expect(core.reconciliation.count == 1)
    }
}
