import GrapevineCore
@testable import GrapevineMerge
import Testing

/// Retention is a function of the union of entries received: any permutation, with any
/// duplication, reaches the same retained set, digest and held fingerprint.
@Suite struct MergePropertyTests {
    let now = Fixtures.base + 1000

    struct Snapshot: Equatable {
        var retained: [EntryID]
        var quarantined: [EntryID]
        var digest: Fingerprint
        var held: Fingerprint
    }

    func snapshot(_ core: MergeCore) -> Snapshot {
        Snapshot(retained: core.retainedIDs, quarantined: core.quarantined.map(\.id),
                 digest: core.digest, held: core.reconciliation.fingerprint)
    }

    /// Merges `entries` and checks the per-merge invariants on the way.
    func run(_ entries: [EntryMeta], bounds: RetentionBounds, seed: UInt64) -> MergeCore {
        var core = MergeCore(bounds: bounds)
        for e in entries {
            let before = core
            let result = core.merge(e, physicalMillis: now)
            #expect(result.evicted.allSatisfy { before.isHeld($0) && !core.isHeld($0) }, "seed \(seed)")
            #expect(result.evicted == result.evicted.sorted(), "seed \(seed)")
            switch result.outcome {
            case .new: #expect(core.isRetained(e.id), "seed \(seed)")
            case .quarantined: #expect(core.isQuarantined(e.id), "seed \(seed)")
            case .duplicate: #expect(before.isHeld(e.id), "seed \(seed)")
            case .superseded: #expect(!core.isHeld(e.id) && core.retainedCount == before.retainedCount, "seed \(seed)")
            case .rejected: Issue.record("seed \(seed): a well-formed meta was rejected")
            }
        }
        #expect(core.reconciliation.count == core.retainedCount + core.quarantinedCount, "seed \(seed)")
        return core
    }

    func arrivals(of entries: [EntryMeta], _ rng: inout SeededRandom) -> [EntryMeta] {
        var out = entries
        for _ in 0..<(entries.count / 3) {
            if let e = entries.randomElement(using: &rng) { out.append(e) }
        }
        out.shuffle(using: &rng)
        return out
    }

    @Test(arguments: [Fixtures.small, RetentionBounds(card: 1, endpoint: 1, edge: 2, introduction: 1,
                                                      introductionResponse: 1, grant: 2, introductionRequest: 1,
                                                      deviceRecord: 1, unknown: 1,
                                                      quarantinePerAuthor: 1, quarantineTotal: 2)])
    func anyPermutationAndDuplicationRetainsTheSameSetAsTheRulesPrescribe(bounds: RetentionBounds) {
        for seed in UInt64(0)..<60 {
            var rng = SeededRandom(seed: seed)
            let entries = (0..<Int.random(in: 20..<200, using: &rng)).map { _ in Fixtures.randomMeta(&rng) }
            let reference = snapshot(run(entries, bounds: bounds, seed: seed))
            #expect(reference.retained == Fixtures.expectedRetained(entries, bounds: bounds), "seed \(seed)")
            #expect(reference.digest.hex == Fixtures.referenceFingerprint(reference.retained), "seed \(seed)")
            for _ in 0..<4 {
                let other = snapshot(run(arrivals(of: entries, &rng), bounds: bounds, seed: seed))
                #expect(other == reference, "seed \(seed)")
            }
        }
    }

    @Test func quarantineAndReleaseDoNotDependOnArrivalOrder() {
        let bounds = Fixtures.small
        for seed in UInt64(100)..<160 {
            var rng = SeededRandom(seed: seed)
            let entries = (0..<Int.random(in: 20..<150, using: &rng)).map { _ in Fixtures.randomMeta(&rng, futureShare: 0.3) }
            var first = run(entries, bounds: bounds, seed: seed)
            var second = run(arrivals(of: entries, &rng), bounds: bounds, seed: seed)
            #expect(snapshot(first) == snapshot(second), "seed \(seed)")
            #expect(first.quarantinedCount <= bounds.quarantineTotal, "seed \(seed)")
            let held = first.quarantined
            let later = now + 100
            let a = first.releaseDue(physicalMillis: later)
            let b = second.releaseDue(physicalMillis: later)
            #expect(a.map(\.entry) == held, "seed \(seed)")
            #expect(a.map(\.entry) == b.map(\.entry) && a.map(\.result) == b.map(\.result), "seed \(seed)")
            #expect(snapshot(first) == snapshot(second) && first.quarantinedCount == 0, "seed \(seed)")
            // Once released, the retained set is what the rules give for everything that was merged.
            let due = entries.filter { !first.isTooFarAhead($0.stamp, physicalMillis: now) }
            #expect(first.retainedIDs == Fixtures.expectedRetained(due + held, bounds: bounds), "seed \(seed)")
        }
    }

    @Test func restoringTheHeldEntriesGivesTheIncrementalState() {
        for seed in UInt64(200)..<230 {
            var rng = SeededRandom(seed: seed)
            let entries = (0..<Int.random(in: 20..<150, using: &rng)).map { _ in Fixtures.randomMeta(&rng, futureShare: 0.2) }
            let incremental = run(entries, bounds: Fixtures.small, seed: seed)
            let held = entries.filter { incremental.isHeld($0.id) }.shuffled(using: &rng)
            let restored = MergeCore.restore(held, physicalMillis: now, bounds: Fixtures.small)
            #expect(snapshot(restored.core) == snapshot(incremental) && restored.dropped.isEmpty, "seed \(seed)")
            #expect(restored.core.reconciliation.items(from: .min, to: .max).map(\.id)
                    == incremental.reconciliation.items(from: .min, to: .max).map(\.id), "seed \(seed)")
            let everything = MergeCore.restore(entries, physicalMillis: now, bounds: Fixtures.small)
            #expect(snapshot(everything.core) == snapshot(incremental), "seed \(seed)")
            #expect(everything.dropped == Array(Set(entries.map(\.id)).filter { !incremental.isHeld($0) }).sorted(),
                    "seed \(seed)")
        }
    }

    @Test func realisticBoundsWithManyAuthorsConverge() {
        let seed: UInt64 = 7
        var rng = SeededRandom(seed: seed)
        var entries: [EntryMeta] = []
        for author in UInt8(1)...20 {
            for i in 0..<Int.random(in: 30..<60, using: &rng) {
                let stamp = HLCStamp(millis: Fixtures.base + UInt64.random(in: 0..<10, using: &rng), counter: 0)
                entries.append(Fixtures.meta(author: author, kind: .card, key: Array("f\(i)".utf8), stamp: stamp,
                                             id: Fixtures.id(&rng)))
            }
        }
        let reference = snapshot(run(entries, bounds: .v2, seed: seed))
        #expect(reference.retained == Fixtures.expectedRetained(entries, bounds: .v2), "seed \(seed)")
        #expect(snapshot(run(arrivals(of: entries, &rng), bounds: .v2, seed: seed)) == reference, "seed \(seed)")
    }

    @Test func restoringEnoughEntriesToUseTwoThreadsGivesTheIncrementalState() {
        let seed: UInt64 = 11
        var rng = SeededRandom(seed: seed)
        var entries: [EntryMeta] = []
        let kinds: [EntryKind] = [.card, .edge, .introduction]
        while entries.count < MergeCore.parallelRestoreMinimum + 5_000 {
            let author = UInt8.random(in: 1...250, using: &rng)
            let kind = kinds[Int.random(in: 0..<kinds.count, using: &rng)]
            let key = kind == .edge ? [UInt8](repeating: UInt8.random(in: 0...60, using: &rng), count: 32)
                : Array("f\(Int.random(in: 0..<40, using: &rng))".utf8)
            var millis = Fixtures.base + UInt64.random(in: 0..<50, using: &rng)
            if Int.random(in: 0..<500, using: &rng) == 0 { millis += HybridLogicalClock.defaultFutureToleranceMillis + 1 }
            entries.append(Fixtures.meta(author: author, kind: kind, key: key, stamp: HLCStamp(millis: millis, counter: 0),
                                         id: Fixtures.id(&rng)))
        }
        var incremental = MergeCore()
        for e in entries { _ = incremental.merge(e, physicalMillis: now) }
        let held = entries.filter { incremental.isHeld($0.id) }
        let restored = MergeCore.restore(retained: held.filter { incremental.isRetained($0.id) },
                                         quarantined: held.filter { incremental.isQuarantined($0.id) },
                                         physicalMillis: now)
        #expect(snapshot(restored.core) == snapshot(incremental) && restored.changed.isEmpty, "seed \(seed)")
        let everything = MergeCore.restore(entries, physicalMillis: now)
        #expect(snapshot(everything.core) == snapshot(incremental), "seed \(seed)")
        #expect(everything.core.reconciliation.items(from: .min, to: .max).map(\.id)
                == incremental.reconciliation.items(from: .min, to: .max).map(\.id), "seed \(seed)")
        #expect(everything.dropped == entries.map(\.id).filter { !incremental.isHeld($0) }.sorted(), "seed \(seed)")
    }
}
