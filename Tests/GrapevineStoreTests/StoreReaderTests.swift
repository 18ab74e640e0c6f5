import Foundation
import GRDB
import GrapevineCore
@testable import GrapevineStore
import Testing

/// The store is split in two: the write core (`Store`) changes it, the read model
/// (`StoreReader`) answers queries and cannot change it.
@Suite struct StoreReaderTests {
    typealias F = StoreFixtures

    @Test("a write through the read model is refused as read-only and changes nothing")
    func theReadModelCannotWrite() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let written = try store.write(F.card("fn", "Ada"), signingKey: F.key(1), physicalMillis: F.baseMillis)
        let reader = store.reader
        let attempts: [(Database) throws -> Void] = [
            { db in try db.execute(sql: "DELETE FROM outbox") },
            { db in
                try db.execute(sql: "UPDATE card_field SET display = 'Eve' WHERE author = ?", arguments: [written.author.blob])
            },
        ]
        for attempt in attempts {
            let error = #expect(throws: StoreError.self) { try reader.read(attempt) }
            guard case .readOnly(let path) = error else {
                Issue.record("expected the store's read-only error, got \(String(describing: error))")
                continue
            }
            #expect(path == reader.path)
        }
        #expect(try store.outbox().map(\.encoded) == [written.encoded])
        #expect(try reader.contacts().map(\.name) == ["Ada"])
    }

    @Test("the read model holds the database as a reader, never as a writer")
    func theReadModelHoldsNoWriter() throws {
        let reader = try F.openStore(F.temporaryDirectory()).reader
        let database: any DatabaseReader = reader.database
        #expect(!(database is any DatabaseWriter))
    }

    @Test("a read model taken before a write answers with what the write core committed since")
    func theReadModelSeesLaterCommits() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let reader = store.reader
        let (alice, bob) = (F.key(1), F.key(2))
        #expect(try reader.contacts().isEmpty)
        #expect(reader.retainedCount == 0)
        let card = try store.write(F.card("fn", "Alice"), signingKey: alice, physicalMillis: F.baseMillis)
        _ = try store.write(.edge(EdgeInfo(target: F.identity(bob), state: .connected)), signingKey: alice,
                            physicalMillis: F.baseMillis)
        _ = try store.write(.edge(EdgeInfo(target: F.identity(alice), state: .connected)), signingKey: bob,
                            physicalMillis: F.baseMillis)
        #expect(try reader.contacts().map(\.identity) == [F.identity(alice)])
        #expect(reader.retainedCount == 3)
        #expect(try reader.stats().retained == 3)
        #expect(reader.digest == (try reader.stats().digest))
        #expect(reader.path(from: F.identity(alice), to: F.identity(bob)).length == 1)
        #expect(reader.latestEntry(author: F.identity(alice), kind: .card, replacementKey: Array("fn".utf8))?.id == card.id)
    }
}
