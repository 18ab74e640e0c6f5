import Foundation
import GRDB
import GrapevineCore
import GrapevineMerge
@testable import GrapevineStore
import Testing

/// The duplicate fast path: an entry whose id and signature the store holds is known from its
/// envelope, before any decoding, verification or transaction.
@Suite struct DuplicateFastPathTests {
    typealias F = StoreFixtures

    static func generation(_ store: Store) throws -> Int64 {
        try store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'generation'") ?? 0 }
    }

    static func isHeld(_ item: CheckedEntry) -> Bool {
        if case .held = item { return true }
        return false
    }

    @Test("entries the store holds are found held from the envelope, and a batch of them runs no transaction")
    func heldEntriesCostNoVerificationAndNoTransaction() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let ingestor = Ingestor(store: store, workers: 2)
        let key = F.key(40)
        let entries = try (0..<5).map { try F.sign(F.card("x-f\($0)", "v\($0)"), key, millis: F.baseMillis - 100) }
        #expect(try ingestor.ingest(entries.map(\.encoded), physicalMillis: F.baseMillis).map(\.outcome)
            == Array(repeating: .new, count: 5))
        let before = try Self.generation(store)
        let checked = ingestor.check(entries.map(\.encoded))
        #expect(checked.items.allSatisfy(Self.isHeld))
        #expect(checked.times.held == 5)
        let outcomes = try store.ingest(checked.items, physicalMillis: F.baseMillis).outcomes
        #expect(outcomes == entries.map { IngestOutcome(id: $0.id, outcome: .duplicate) })
        #expect(try Self.generation(store) == before)
    }

    @Test("copies of one entry within a batch are verified once: the first is new, the rest duplicates")
    func copiesInOneBatchAreVerifiedOnce() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let entry = try F.sign(F.card("fn", "Copy"), F.key(41), millis: F.baseMillis - 100)
        let outcomes = try Ingestor(store: store, workers: 2)
            .ingest([entry.encoded, entry.encoded, entry.encoded], physicalMillis: F.baseMillis)
        #expect(outcomes.map(\.outcome) == [.new, .duplicate, .duplicate])
        #expect(try store.reader.stats().retained == 1)
    }

    @Test("an entry the store pruned is no longer held: a late copy takes the full path and is superseded")
    func prunedEntriesLeaveTheHeldSet() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let ingestor = Ingestor(store: store, workers: 1)
        let key = F.key(42)
        let old = try F.sign(F.card("fn", "Old"), key, millis: F.baseMillis - 200)
        let new = try F.sign(F.card("fn", "New"), key, millis: F.baseMillis - 100)
        _ = try ingestor.ingest([old.encoded], physicalMillis: F.baseMillis)
        _ = try ingestor.ingest([new.encoded], physicalMillis: F.baseMillis)
        #expect(!ingestor.check([old.encoded]).items.contains(where: Self.isHeld))
        #expect(try ingestor.ingest([old.encoded], physicalMillis: F.baseMillis).map(\.outcome) == [.superseded])
        #expect(ingestor.check([new.encoded]).items.allSatisfy(Self.isHeld))
    }

    @Test("what another process wrote is found held once this process has read the store again")
    func anotherProcessesWritesAreHeldAfterARefresh() throws {
        let dir = try F.temporaryDirectory()
        let node = try F.openStore(dir)
        let cli = try F.openStore(dir)
        let written = try cli.write(F.card("fn", "From the CLI"), signingKey: F.key(43), physicalMillis: F.baseMillis)
        try node.refresh(physicalMillis: F.baseMillis)
        #expect(Ingestor(store: node).check([written.encoded]).items.allSatisfy(Self.isHeld))
    }

    @Test("a held entry framed with a longer length varint is not held: the full path rejects it as malformed")
    func nonCanonicalFramingTakesTheFullPath() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let ingestor = Ingestor(store: store, workers: 1)
        let entry = try F.sign(F.card("fn", "Framed"), F.key(44), millis: F.baseMillis - 100)
        _ = try ingestor.ingest([entry.encoded], physicalMillis: F.baseMillis)
        try #require(entry.body.count < 0x80)
        let padded = [0x0a, UInt8(entry.body.count) | 0x80, 0x00] + entry.encoded.dropFirst(2)
        let outcome = try #require(try ingestor.ingest([Array(padded)], physicalMillis: F.baseMillis).first)
        guard case .rejected = outcome.outcome else {
            Issue.record("a non-canonical envelope was \(outcome.outcome)")
            return
        }
    }

    @Test("the fingerprint set agrees with a plain set over random inserts and removals, at 16 bytes a member or less")
    func fingerprintSetMatchesASet() {
        var rng = SeededRandom(seed: 15)
        var set = FingerprintSet()
        var model = Set<UInt64>()
        var pool: [UInt64] = []
        for step in 0..<60_000 {
            // Small values crowd a few home slots, so runs wrap and removals shift them back.
            let value = step % 3 == 0 ? UInt64.random(in: 1...64, using: &rng) << 58 | 1 : UInt64.random(in: 1...UInt64.max, using: &rng)
            if !pool.isEmpty, UInt64.random(in: 0..<3, using: &rng) == 0 {
                let victim = pool.remove(at: Int.random(in: 0..<pool.count, using: &rng))
                set.remove(victim)
                model.remove(victim)
            } else {
                set.insert(value)
                if model.insert(value).inserted { pool.append(value) }
            }
            if step % 997 == 0 {
                #expect(set.count == model.count)
                #expect(pool.prefix(50).allSatisfy(set.contains))
                #expect(set.count <= 8 || set.byteCount <= 16 * set.count)
            }
        }
        #expect(model.allSatisfy(set.contains))
        #expect(set.count == model.count)
        #expect(!(0..<1000).contains { _ in
            let probe = UInt64.random(in: 1...UInt64.max, using: &rng)
            return !model.contains(probe) && set.contains(probe)
        })
    }
}
