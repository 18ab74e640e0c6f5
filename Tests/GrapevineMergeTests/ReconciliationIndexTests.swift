import GrapevineCore
@testable import GrapevineMerge
import Testing

@Suite struct ReconciliationIndexTests {
    typealias Bound = ReconciliationIndex.Bound
    typealias Item = (stamp: HLCStamp, id: EntryID)

    func randomItem(_ rng: inout SeededRandom) -> Item {
        (HLCStamp(rawValue: UInt64.random(in: 0..<40, using: &rng)), Fixtures.id(&rng))
    }

    func less(_ a: Item, _ b: Item) -> Bool { (a.stamp, a.id) < (b.stamp, b.id) }

    func inRange(_ item: Item, _ lower: Bound, _ upper: Bound) -> Bool {
        let b = Bound(stamp: item.stamp, id: item.id)
        return lower <= b && b < upper
    }

    @Test func rangeFingerprintsCountsAndItemsMatchABruteForceScanUnderInsertsAndRemoves() {
        for seed in UInt64(0)..<25 {
            var rng = SeededRandom(seed: seed)
            var index = ReconciliationIndex()
            var model: [Item] = []
            for step in 0..<400 {
                if model.isEmpty || Int.random(in: 0..<3, using: &rng) > 0 {
                    let item = randomItem(&rng)
                    index.insert(stamp: item.stamp, id: item.id)
                    model.append(item)
                } else {
                    let i = Int.random(in: 0..<model.count, using: &rng)
                    index.remove(stamp: model[i].stamp, id: model[i].id)
                    model.remove(at: i)
                }
                guard step % 20 == 0 else { continue }
                model.sort(by: less)
                #expect(index.count == model.count, "seed \(seed)")
                #expect(index.items(from: .min, to: .max).map(\.id) == model.map(\.id), "seed \(seed)")
                for _ in 0..<10 {
                    var bounds = [Bound.min, .max]
                    for _ in 0..<2 {
                        if let pick = model.randomElement(using: &rng), Bool.random(using: &rng) {
                            bounds.append(Bound(stamp: pick.stamp, id: pick.id))
                        } else {
                            let r = randomItem(&rng)
                            bounds.append(Bound(stamp: r.stamp, id: r.id))
                        }
                    }
                    let lower = bounds[Int.random(in: 0..<bounds.count, using: &rng)]
                    let upper = bounds[Int.random(in: 0..<bounds.count, using: &rng)]
                    let expected = model.filter { inRange($0, lower, upper) }
                    #expect(index.fingerprint(from: lower, to: upper).hex
                            == Fixtures.referenceFingerprint(expected.map(\.id)), "seed \(seed)")
                    #expect(index.count(from: lower, to: upper) == expected.count, "seed \(seed)")
                    let limit = Int.random(in: 0..<5, using: &rng)
                    #expect(index.items(from: lower, to: upper, limit: limit).map(\.id)
                            == expected.prefix(limit).map(\.id), "seed \(seed)")
                }
            }
        }
    }

    @Test func insertingTwiceOrRemovingAnAbsentItemChangesNothing() {
        var rng = SeededRandom(seed: 9)
        var index = ReconciliationIndex()
        let a = randomItem(&rng), b = randomItem(&rng)
        index.insert(stamp: a.stamp, id: a.id)
        index.insert(stamp: a.stamp, id: a.id)
        index.remove(stamp: b.stamp, id: b.id)
        #expect(index.count == 1 && index.fingerprint == Fingerprint(ids: [a.id]))
        #expect(index.contains(stamp: a.stamp, id: a.id) && !index.contains(stamp: b.stamp, id: b.id))
        index.remove(stamp: a.stamp, id: a.id)
        #expect(index.count == 0 && index.fingerprint == Fingerprint.empty)
    }

    @Test func boundsAtOffsetsSplitARangeIntoPartsOfNearlyEqualCount() {
        var rng = SeededRandom(seed: 10)
        let items = (0..<1000).map { _ in randomItem(&rng) }.sorted(by: less)
        let index = ReconciliationIndex(items)
        #expect(index.count == 1000)
        let lower = Bound(stamp: items[100].stamp, id: items[100].id)
        let upper = Bound(stamp: items[900].stamp, id: items[900].id)
        let cuts = index.splitBounds(from: lower, to: upper, parts: 16)
        #expect(cuts.count == 15)
        let edges = [lower] + cuts + [upper]
        let counts = (0..<16).map { index.count(from: edges[$0], to: edges[$0 + 1]) }
        #expect(counts.reduce(0, +) == 800 && counts.allSatisfy { $0 == 50 })
        #expect(index.bound(atOffset: 0, from: lower) == lower)
        #expect(index.bound(atOffset: 5, from: lower) == Bound(stamp: items[105].stamp, id: items[105].id))
        #expect(index.bound(atOffset: 900, from: lower).isMax)
        #expect(index.splitBounds(from: upper, to: lower, parts: 4).isEmpty)
    }

    @Test func aBulkBuiltIndexEqualsAnIncrementalOne() {
        var rng = SeededRandom(seed: 11)
        let items = (0..<500).map { _ in randomItem(&rng) }
        var incremental = ReconciliationIndex()
        for item in items { incremental.insert(stamp: item.stamp, id: item.id) }
        let bulk = ReconciliationIndex(items + items.prefix(10))
        #expect(bulk.count == incremental.count && bulk.fingerprint == incremental.fingerprint)
        #expect(bulk.items(from: .min, to: .max).map(\.id) == incremental.items(from: .min, to: .max).map(\.id))
    }

    @Test func aShortBoundSortsAtTheLowestIDWithItsPrefix() throws {
        let id = try #require(EntryID(bytes: [0xab, 0xcd] + [UInt8](repeating: 0, count: 30)))
        let next = try #require(EntryID(bytes: [0xab, 0xcd] + [UInt8](repeating: 0, count: 29) + [1]))
        let stamp = HLCStamp(rawValue: 5)
        #expect(Bound(stamp: stamp, idPrefix: [0xab, 0xcd]) == Bound(stamp: stamp, id: id))
        #expect(Bound(stamp: stamp, idPrefix: [0xab, 0xcd]) < Bound(stamp: stamp, id: next))
        #expect(Bound.min < Bound(stamp: .zero, id: next) && Bound(stamp: HLCStamp(rawValue: .max), id: next) < .max)
    }
}
