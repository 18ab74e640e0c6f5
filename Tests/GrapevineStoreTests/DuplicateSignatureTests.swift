import Foundation
import GrapevineCore
import GrapevineStore
import Testing

/// PROTOCOL.md §9.6: an entry that arrives again with another valid signature is a duplicate, and
/// the store keeps the smaller signature, whichever came first (entries.json, "second-signature").
@Suite struct DuplicateSignatureTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/vectors/entries.json")

    struct File: Decodable {
        struct Vector: Decodable { var id: String; var entry: String }
        struct Other: Decodable { var name: String; var id: String; var entry: String; var kept: String? }
        var vectors: [Vector]
        var other_signatures: [Other]
    }

    @Test("of two signatures of one body, the store keeps the smaller, in either arrival order")
    func smallerSignatureIsKept() throws {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: Self.vectors))
        let second = try #require(file.other_signatures.first { $0.name == "second-signature" })
        let first = try #require(file.vectors.first { $0.id == second.id })
        let entries = try [first.entry, second.entry].map { try SignedEntry.decode(try #require(Hex.decode($0))) }
        let kept = try #require(second.kept.flatMap(Hex.decode))
        // The vectors are stamped from 2025-11-24; merge them after that, so neither is quarantined.
        let now = entries[0].stamp.millis + 1000
        for order in [entries, entries.reversed()] {
            let store = try StoreFixtures.openStore(StoreFixtures.temporaryDirectory(), millis: now)
            let outcomes = try store.ingest(order.map { .success($0) }, physicalMillis: now).outcomes
            #expect(outcomes.map(\.outcome) == [.new, .duplicate])
            #expect(store.reader.encodedEntry(entries[0].id) == kept)
        }
    }

    /// The two encodings of the "second-signature" vector: the one the store keeps (the smaller
    /// signature), the other, and a time after their stamps, when neither is quarantined.
    static func signaturePair() throws -> (kept: [UInt8], larger: [UInt8], now: UInt64) {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: Self.vectors))
        let second = try #require(file.other_signatures.first { $0.name == "second-signature" })
        let first = try #require(file.vectors.first { $0.id == second.id })
        let kept = try #require(second.kept.flatMap(Hex.decode))
        let encoded = try [first.entry, second.entry].map { try #require(Hex.decode($0)) }
        let larger = try #require(encoded.first { $0 != kept })
        return (kept, larger, try SignedEntry.decode(kept).stamp.millis + 1000)
    }

    @Test("a held id arriving with another signature takes the full path; the smaller one is then held")
    func otherSignatureOfAHeldIdTakesTheFullPath() throws {
        let (kept, larger, now) = try Self.signaturePair()
        let store = try StoreFixtures.openStore(StoreFixtures.temporaryDirectory(), millis: now)
        let ingestor = Ingestor(store: store, workers: 1)
        _ = try ingestor.ingest([larger], physicalMillis: now)
        let checked = ingestor.check([kept])
        guard case .verified = try #require(checked.items.first) else {
            Issue.record("the other signature did not take the full path: \(checked.items)")
            return
        }
        #expect(try store.ingest(checked.items, physicalMillis: now).outcomes.map(\.outcome) == [.duplicate])
        #expect(store.reader.encodedEntry(try SignedEntry.decode(kept).id) == kept)
        guard case .held = try #require(ingestor.check([kept]).items.first) else {
            Issue.record("the kept signature is not held")
            return
        }
        guard case .verified = try #require(ingestor.check([larger]).items.first) else {
            Issue.record("the replaced signature is still held")
            return
        }
    }
}
