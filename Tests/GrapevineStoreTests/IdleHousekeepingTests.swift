import Foundation
import GRDB
import GrapevineCore
@testable import GrapevineStore
import Testing

/// The node calls `refresh` and `releaseDue` on its actor every few hundred milliseconds. When
/// there is nothing to do they must not run a transaction: the writer lock may be held by the
/// ingest writer's batch, and the actor would wait for it.
@Suite struct IdleHousekeepingTests {
    typealias F = StoreFixtures

    /// The counter every commit bumps: unchanged means no transaction ran.
    private func generation(_ store: Store) throws -> Int64 {
        try store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'generation'") ?? -1 }
    }

    @Test func refreshRunsNoTransactionWhenNoOtherProcessHasWritten() throws {
        let store = try F.openStore(try F.temporaryDirectory())
        _ = try store.write(F.card("fn", "Ada"), signingKey: F.key(1), physicalMillis: F.baseMillis)
        let before = try generation(store)
        try store.refresh(physicalMillis: F.baseMillis + 1_000)
        try store.refresh(physicalMillis: F.baseMillis + 2_000)
        #expect(try generation(store) == before)
    }

    @Test func refreshStillReloadsAfterAnotherProcessWrote() throws {
        let dir = try F.temporaryDirectory()
        let node = try F.openStore(dir)
        #expect(node.reader.heldIndex.count == 0)
        let cli = try F.openStore(dir)
        let written = try cli.write(F.card("fn", "Grace"), signingKey: F.key(2), physicalMillis: F.baseMillis)
        #expect(node.reader.digest != cli.reader.digest)
        try node.refresh(physicalMillis: F.baseMillis)
        #expect(node.reader.digest == cli.reader.digest)
        #expect(node.reader.heldIndex.count == 1)
        #expect(try node.reader.contains(written.id))
    }

    @Test func releaseDueRunsNoTransactionWhileNothingIsDue() throws {
        let store = try F.openStore(try F.temporaryDirectory())
        let future = try F.sign(F.card("fn", "Later"), F.key(3), millis: F.baseMillis + 3_600_000)
        #expect(try Ingestor(store: store).ingest([future.encoded], physicalMillis: F.baseMillis).map(\.outcome) == [.quarantined])
        let before = try generation(store)
        #expect(try store.releaseDue(physicalMillis: F.baseMillis + 1_000).isEmpty)
        #expect(try generation(store) == before)
        #expect(try store.releaseDue(physicalMillis: F.baseMillis + 3_600_000) == [future.id])
        #expect(try generation(store) == before + 1)
    }
}

/// The held index the engine reads is kept current from the changes of each commit.
@Suite struct PublishedIndexTests {
    typealias F = StoreFixtures

    @Test func theIndexReadAfterEachBatchIsTheOneAFreshOpenBuilds() throws {
        let dir = try F.temporaryDirectory()
        let store = try F.openStore(dir)
        let ingestor = Ingestor(store: store)
        for batch in 0..<6 {
            var entries: [[UInt8]] = []
            for n in 0..<8 {
                // Rewriting the same fields evicts the earlier values: removals as well as insertions.
                let key = F.key(20 + n)
                entries.append(try F.sign(F.card("fn", "v\(batch)"), key, millis: F.baseMillis + UInt64(batch)).encoded)
                entries.append(try F.sign(F.connect(F.identity(F.key(30 + batch))), key, millis: F.baseMillis + UInt64(batch)).encoded)
            }
            _ = try ingestor.ingest(entries, physicalMillis: F.baseMillis + 10)
            let fresh = try F.openStore(dir, millis: F.baseMillis + 10)
            #expect(store.reader.heldIndex.count == fresh.reader.heldIndex.count)
            #expect(store.reader.heldIndex.fingerprint == fresh.reader.heldIndex.fingerprint)
        }
    }
}
