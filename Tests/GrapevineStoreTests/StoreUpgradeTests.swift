import Foundation
import GRDB
import GrapevineCore
@testable import GrapevineStore
import Testing

/// A store written with the v1 schema is upgraded at open (PROTOCOL.md §15.5): every entry is kept
/// or set aside with its reason, none is lost silently.
@Suite struct StoreUpgradeTests {
    /// Writes `entries` into a store that has only the v1 schema, as a v1 node left it, with one row's
    /// signature damaged and another row's kind column out of step with its bytes.
    func v1Store(at path: String, entries: [SignedEntry], badSignature: SignedEntry, wrongKind: SignedEntry) throws {
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            func insert(_ e: SignedEntry, kind: UInt32, signature: [UInt8]) throws {
                try db.execute(sql: """
                    INSERT INTO entry (id, author, kind, rkey, stamp, body, signature, state) VALUES (?, ?, ?, ?, ?, ?, ?, 0)
                    """, arguments: [Data(e.id.bytes), Data(e.author.bytes), Int64(kind), Data(e.replacementKey),
                                     Int64(bitPattern: e.stamp.rawValue), Data(e.body), Data(signature)])
            }
            for e in entries { try insert(e, kind: e.kind.rawValue, signature: e.signature) }
            var damaged = badSignature.signature
            damaged[0] ^= 0x01
            try insert(badSignature, kind: badSignature.kind.rawValue, signature: damaged)
            try insert(wrongKind, kind: EntryKind.edge.rawValue, signature: wrongKind.signature)
        }
    }

    @Test("upgrading a v1 store keeps every valid entry, and sets the refused ones aside by reason, counted in stats")
    func upgradeKeepsOrCountsEveryEntry() throws {
        let directory = try StoreFixtures.temporaryDirectory()
        let alice = StoreFixtures.key(1)
        let bob = StoreFixtures.key(2)
        let t = StoreFixtures.baseMillis
        let valid = [
            try StoreFixtures.sign(StoreFixtures.card("fn", "Alice"), alice, millis: t),
            try StoreFixtures.sign(StoreFixtures.card("org", "Looms"), alice, millis: t + 1),
            try StoreFixtures.sign(StoreFixtures.card("fn", "Bob"), bob, millis: t + 2),
            try SignedEntry.sign(.grant(.empty(to: try #require(PublicIdentity(bytes: Array(repeating: 7, count: 32))))),
                                 stamp: HLCStamp(millis: t + 3, counter: 0), with: bob),
        ]
        let badSignature = try StoreFixtures.sign(StoreFixtures.card("title", "Forged"), alice, millis: t + 4)
        let wrongKind = try StoreFixtures.sign(StoreFixtures.card("role", "Mislabelled"), bob, millis: t + 5)
        try v1Store(at: directory + "/store.sqlite", entries: valid, badSignature: badSignature, wrongKind: wrongKind)

        let store = try StoreFixtures.openStore(directory, millis: t + 1000)
        let stats = try store.reader.stats()
        #expect(stats.retained == valid.count)
        #expect(stats.setAside == ["bad-signature": 1, StoreUpgrade.metadataMismatch: 1])
        #expect(stats.retained + stats.setAside.values.reduce(0, +) == valid.count + 2, "every entry is kept or counted")
        for entry in valid { #expect(store.reader.encodedEntry(entry.id) == entry.encoded) }
        #expect(store.reader.encodedEntry(badSignature.id) == nil && store.reader.encodedEntry(wrongKind.id) == nil)

        // The refused bytes are kept apart, not deleted.
        let queue = try DatabaseQueue(path: directory + "/store.sqlite")
        let kept = try queue.read { db in try Data.fetchAll(db, sql: "SELECT body FROM set_aside ORDER BY id") }
        #expect(Set(kept) == [Data(badSignature.body), Data(wrongKind.body)])

        // A store that only holds valid entries retains the same digest.
        let fresh = try StoreFixtures.temporaryDirectory()
        let reference = try StoreFixtures.openStore(fresh, millis: t + 1000)
        _ = try reference.ingest(valid.map { .success($0) }, physicalMillis: t + 1000)
        #expect(reference.reader.digest == store.reader.digest)

        // Opening again runs no second upgrade.
        let again = try StoreFixtures.openStore(directory, millis: t + 2000)
        #expect(try again.reader.stats().setAside == stats.setAside && again.reader.digest == store.reader.digest)
    }

    @Test("the endpoint table, written and never read, is gone from new and upgraded stores; endpoints still load from their entries")
    func endpointTableIsDropped() throws {
        let directory = try StoreFixtures.temporaryDirectory()
        let alice = StoreFixtures.key(1)
        let t = StoreFixtures.baseMillis
        let endpoint = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: [192, 0, 2, 1], port: 7474)])),
                                            stamp: HLCStamp(millis: t, counter: 0), with: alice)
        let forged = try StoreFixtures.sign(StoreFixtures.card("fn", "Forged"), alice, millis: t + 1)
        let mislabelled = try StoreFixtures.sign(StoreFixtures.card("org", "Mislabelled"), alice, millis: t + 2)
        try v1Store(at: directory + "/store.sqlite", entries: [endpoint], badSignature: forged, wrongKind: mislabelled)
        let store = try StoreFixtures.openStore(directory, millis: t + 1000)
        #expect(store.reader.encodedEntry(endpoint.id) == endpoint.encoded)

        let fresh = try StoreFixtures.openStore(try StoreFixtures.temporaryDirectory(), millis: t + 1000)
        _ = try fresh.ingest([.success(endpoint)], physicalMillis: t + 1000)
        for path in [directory + "/store.sqlite", fresh.path] {
            let queue = try DatabaseQueue(path: path)
            let table = try queue.read { db in
                try String.fetchOne(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'endpoint'")
            }
            #expect(table == nil, "\(path)")
        }
    }
}
