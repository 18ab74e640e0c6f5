import GossipEngine
import GrapevineCore
import GrapevineMerge
import Testing

@Suite struct ReconcilerTests {
    static func index(_ items: [(HLCStamp, EntryID)]) -> ReconciliationIndex {
        ReconciliationIndex(items.map { (stamp: $0.0, id: $0.1) })
    }

    static func items(_ count: Int, seed: UInt64) -> [(HLCStamp, EntryID)] {
        var random = SeededRandom(seed: seed)
        return (0..<count).compactMap { i in
            let id = EntryID(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
            return id.map { (HLCStamp(millis: 1_764_000_000_000 + UInt64(i / 3), counter: 0), $0) }
        }
    }

    /// Runs a whole exchange; returns what each side learned it must send and how many messages went.
    static func exchange(_ a: ReconciliationIndex, _ b: ReconciliationIndex, config: GossipConfig = GossipConfig())
        -> (aHas: Set<EntryID>, bHas: Set<EntryID>, messages: Int, bytes: Int) {
        let reconciler = Reconciler(config: config)
        var frames = [reconciler.opening(session: 1, index: a)]
        var aHas = Set<EntryID>(), bHas = Set<EntryID>()
        var messages = 0, bytes = 0, turn = 1
        while !frames.isEmpty {
            messages += 1
            var next: [ReconcileFrame] = []
            for frame in frames {
                var m = GossipMessage()
                m.reconcile = frame
                bytes += m.encoded().count
                let answer = reconciler.answer(frame, index: turn == 1 ? b : a)
                if turn == 1 { bHas.formUnion(answer.have); aHas.formUnion(answer.need) } else { aHas.formUnion(answer.have); bHas.formUnion(answer.need) }
                next += answer.frames
            }
            frames = next
            turn = 1 - turn
        }
        return (aHas, bHas, messages, bytes)
    }

    @Test func equalSetsSettleWithTheOpeningFrame() {
        let all = Self.items(5000, seed: 3)
        let result = Self.exchange(Self.index(all), Self.index(all))
        #expect(result.messages == 1 && result.aHas.isEmpty && result.bHas.isEmpty)
        #expect(result.bytes < 200)
    }

    @Test func differencesOnBothSidesAreFoundExactly() {
        let all = Self.items(20_000, seed: 4)
        var random = SeededRandom(seed: 5)
        var onlyA = Set<EntryID>(), onlyB = Set<EntryID>()
        var a: [(HLCStamp, EntryID)] = [], b: [(HLCStamp, EntryID)] = []
        for item in all {
            switch UInt64.random(in: 0..<1000, using: &random) {
            case 0: a.append(item); onlyA.insert(item.1)
            case 1: b.append(item); onlyB.insert(item.1)
            default: a.append(item); b.append(item)
            }
        }
        let result = Self.exchange(Self.index(a), Self.index(b))
        #expect(result.aHas == onlyA)
        #expect(result.bHas == onlyB)
    }

    @Test func everyFrameFitsTheBudgetEvenForAnEmptySideFacingAFullOne() {
        let all = Self.items(3000, seed: 6)
        let reconciler = Reconciler(config: GossipConfig())
        let opening = reconciler.opening(session: 9, index: Self.index([]))
        let answer = reconciler.answer(opening, index: Self.index(all))
        #expect(!answer.frames.isEmpty && answer.frames.count <= GossipConfig().maxFramesPerAnswer)
        for frame in answer.frames {
            var m = GossipMessage()
            m.reconcile = frame
            #expect(m.encoded().count <= GossipConfig().payloadBudget)
        }
        let result = Self.exchange(Self.index([]), Self.index(all))
        #expect(result.bHas.count == all.count)
    }

    @Test func malformedRangesAreTypedErrors() {
        let lower = WireBound.min
        #expect(throws: GossipDecodeError.self) { try ReconcileFrame.decodeRanges([0x03], lower: lower) }
        #expect(throws: GossipDecodeError.self) { try ReconcileFrame.decodeRanges([0x01, 0x05], lower: lower) }
        #expect(throws: GossipDecodeError.self) { try ReconcileFrame.decodeRanges([0xfc, 0x00, 0x01], lower: lower) }
        #expect(throws: GossipDecodeError.self) { try ReconcileFrame.decodeRanges([0x00, 0x00], lower: lower) }
        #expect(throws: GossipDecodeError.self) { try ReconcileFrame.decodeRanges([0x02, 0x01, 0x02, 0xff], lower: lower) }
    }
}
