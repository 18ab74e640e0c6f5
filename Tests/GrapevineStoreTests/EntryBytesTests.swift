import Foundation
import GrapevineCore
import GrapevineStore
import Testing

/// The bytes an answer carries are read in one query, in the order asked, without the ids the
/// store does not hold.
@Suite struct EntryBytesTests {
    @Test func heldEntriesAreReadInTheOrderAskedAndUnheldIdsAreLeftOut() throws {
        let store = try StoreFixtures.openStore(StoreFixtures.temporaryDirectory())
        let millis = StoreFixtures.baseMillis
        let entries = try (0..<3).map { n in
            try StoreFixtures.sign(StoreFixtures.card("note", "value \(n)"), StoreFixtures.key(n + 1), millis: millis)
        }
        _ = try store.ingest(entries.map { .success($0) }, physicalMillis: millis)
        let unheld = try StoreFixtures.sign(StoreFixtures.card("note", "never sent"), StoreFixtures.key(9), millis: millis)
        let asked = [entries[2].id, unheld.id, entries[0].id, entries[1].id]
        #expect(store.reader.encodedEntries(asked) == [entries[2].encoded, entries[0].encoded, entries[1].encoded])
        #expect(store.reader.encodedEntries([]).isEmpty)
    }
}
