import Foundation
import GRDB
import GrapevineCore
@testable import GrapevineStore
import Sodium
import Testing

private typealias F = StoreFixtures

@Suite("Private fields in the store")
struct PrivateFieldStoreTests {
    @Test("sealed fields and grants ingested in shuffled, duplicated batches give one digest and one set of rows")
    func shuffledDuplicatedBatchesConverge() throws {
        let entries = try RandomHistory.entries(seed: 23, authors: 5, count: 400)
        var generator = SeededRandom(seed: 23)
        var snapshots: [DerivedSnapshot] = []
        var digests: [String] = []
        for round in 0..<4 {
            var order = entries + entries.prefix(round * 40)
            order.shuffle(using: &generator)
            let store = try F.openStore(F.temporaryDirectory())
            for chunk in stride(from: 0, to: order.count, by: 37) {
                let batch = order[chunk..<min(chunk + 37, order.count)].map(\.encoded)
                _ = try Ingestor(store: store).ingest(Array(batch), physicalMillis: F.baseMillis)
            }
            snapshots.append(try DerivedSnapshot.take(store))
            digests.append(try store.reader.stats().digest.hex)
        }
        #expect(snapshots[0].tables["grant_entry", default: []].isEmpty == false)
        #expect(snapshots[0].tables["card_field", default: []].contains { !$0.hasSuffix("|") })
        #expect(Set(digests).count == 1)
        for snapshot in snapshots.dropFirst() { #expect(snapshot.tables == snapshots[0].tables) }
    }

    @Test("a sealed field is shown as connections-only with its bytes, feeds no search text, and its superseded value keeps its bytes")
    func sealedFieldRowsAndHistory() throws {
        let alice = F.key(1)
        let me = F.identity(alice)
        let key = try #require(CardKey(bytes: [UInt8](repeating: 3, count: 32)))
        let first = try CardSealing.seal([CardItem("Secret Org")], field: "org", author: me, key: key,
                                         nonce: [UInt8](repeating: 1, count: 24))
        let store = try F.openStore(F.temporaryDirectory())
        _ = try Ingestor(store: store).ingest([
            try F.sign(.card(CardUpdate(field: "org", sealed: first)), alice, millis: F.baseMillis - 2000),
            try F.sign(F.card("org", "Public Org"), alice, millis: F.baseMillis - 1000),
        ].map(\.encoded), physicalMillis: F.baseMillis)
        let card = try store.reader.card(me)
        let org = try #require(card.fields.first { $0.field == "org" })
        #expect(org.visibility == .public && org.sealed == nil && org.values.map(\.value) == ["Public Org"])
        let old = try #require(org.superseded.first)
        #expect(old.visibility == .connections && old.sealed == first && old.values.isEmpty)

        let second = try CardSealing.seal([CardItem("Hidden")], field: "org", author: me, key: key,
                                          nonce: [UInt8](repeating: 2, count: 24))
        _ = try Ingestor(store: store).ingest([try F.sign(.card(CardUpdate(field: "org", sealed: second)), alice,
                                                          millis: F.baseMillis - 500).encoded],
                                              physicalMillis: F.baseMillis)
        let sealedNow = try #require(try store.reader.card(me).fields.first { $0.field == "org" })
        #expect(sealedNow.visibility == .connections && sealedNow.sealed == second)
        #expect(try store.reader.search("Hidden").isEmpty)
        #expect(try store.reader.search("Public").isEmpty)
    }
}
