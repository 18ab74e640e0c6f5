import Foundation
import GRDB
import GrapevineCore
import GrapevineMerge
@testable import GrapevineStore
import Sodium
import Testing

@Suite struct StoreTests {
    typealias F = StoreFixtures

    @Test func localWriteAfterTheWallClockSteppedBackStillWins() throws {
        let dir = try F.temporaryDirectory()
        let store = try F.openStore(dir)
        let me = F.key(1)
        let first = try store.write(F.card("fn", "Ada"), signingKey: me, physicalMillis: F.baseMillis + 60_000)
        // The wall clock steps back a minute; the persisted HLC still issues a later stamp.
        let second = try store.write(F.card("fn", "Ada Lovelace"), signingKey: me, physicalMillis: F.baseMillis)
        #expect(second.stamp > first.stamp)
        let card = try store.reader.card(F.identity(me))
        #expect(card.fields.map(\.field) == ["fn"])
        #expect(card.fields[0].values == [CardItem("Ada Lovelace")])
        #expect(card.fields[0].entryID == second.id)
        #expect(card.fields[0].superseded.map(\.entryID) == [first.id])
        #expect(card.fields[0].superseded.first?.values == [CardItem("Ada")])
        // Both local entries were queued for gossip; the superseded one is no longer stored.
        let outbox = try store.outbox()
        #expect(outbox.map(\.encoded) == [second.encoded])
    }

    @Test func aSecondProcessSharesTheClockAndSeesTheOthersWrites() throws {
        let dir = try F.temporaryDirectory()
        let node = try F.openStore(dir)
        let cli = try F.openStore(dir)
        let me = F.key(2)
        let fromCLI = try cli.write(F.card("org", "Analytical Engines"), signingKey: me, physicalMillis: F.baseMillis + 5_000)
        let fromNode = try node.write(F.card("org", "Difference Engines"), signingKey: me, physicalMillis: F.baseMillis)
        #expect(fromNode.stamp > fromCLI.stamp)
        try cli.refresh(physicalMillis: F.baseMillis)
        #expect(try node.reader.stats().digest == (try cli.reader.stats().digest))
        #expect(try cli.reader.card(F.identity(me)).fields.first?.values.first?.value == "Difference Engines")
    }

    @Test func aSecondWriterWaitsForTheLockInsteadOfFailing() throws {
        let dir = try F.temporaryDirectory()
        let holder = try F.openStore(dir)
        let writer = try F.openStore(dir)
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? holder.transaction(physicalMillis: F.baseMillis) { _, _ in
                started.signal()
                Thread.sleep(forTimeInterval: 1)
            }
            finished.signal()
        }
        started.wait()
        let begin = Date()
        _ = try writer.write(F.card("fn", "Waiter"), signingKey: F.key(3), physicalMillis: F.baseMillis)
        #expect(Date().timeIntervalSince(begin) > 0.5)
        finished.wait()
    }

    @Test func ingestReportsEachOutcomeAndCountsRejectionsByReason() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let ingestor = Ingestor(store: store, workers: 2)
        let alice = F.key(10)
        let old = try F.sign(F.card("fn", "Alice"), alice, millis: F.baseMillis - 10)
        let newer = try F.sign(F.card("fn", "Alice B."), alice, millis: F.baseMillis - 5)
        var tampered = newer.encoded
        tampered[tampered.count - 64] ^= 1
        let garbage: [UInt8] = [0x0a, 0x05, 0x01]
        let garbageReason: RejectionReason
        do {
            _ = try ParsedEntry.parse(garbage)
            Issue.record("garbage parsed")
            return
        } catch {
            garbageReason = error.reason
        }
        let outcomes = try ingestor.ingest(
            [newer.encoded, old.encoded, newer.encoded, garbage, tampered], physicalMillis: F.baseMillis)
        #expect(outcomes.map(\.outcome) == [.new, .superseded, .duplicate, .rejected(garbageReason), .rejected(.badSignature)])
        let stats = try store.reader.stats()
        #expect(stats.retained == 1)
        #expect(stats.pruned == 1)
        #expect(stats.rejections == [garbageReason.rawValue: 1, "bad-signature": 1])
        #expect(stats.entriesByKind == ["card": 1])
    }

    @Test func farFutureEntriesAreKeptInQuarantineAndMergedWhenDue() throws {
        let dir = try F.temporaryDirectory()
        var store = try F.openStore(dir)
        let bob = F.key(11)
        let future = try F.sign(F.card("fn", "Bob from the future"), bob, millis: F.baseMillis + 3_600_000)
        let outcomes = try Ingestor(store: store).ingest([future.encoded], physicalMillis: F.baseMillis)
        #expect(outcomes.map(\.outcome) == [.quarantined])
        #expect(try store.reader.stats().quarantined == 1)
        #expect(try store.reader.contains(future.id))
        #expect(try store.reader.card(F.identity(bob)).fields.isEmpty)
        // Still held after a restart, and released once its time has come.
        store = try F.openStore(dir, millis: F.baseMillis + 1_000)
        #expect(try store.reader.stats().quarantined == 1)
        #expect(try store.releaseDue(physicalMillis: F.baseMillis + 3_600_000) == [future.id])
        #expect(try store.reader.stats().quarantined == 0)
        #expect(try store.reader.card(F.identity(bob)).fields.first?.values.first?.value == "Bob from the future")
    }

    @Test func reopeningRebuildsTheSameMergeState() throws {
        let dir = try F.temporaryDirectory()
        let store = try F.openStore(dir)
        let entries = try RandomHistory.entries(seed: 7, authors: 6, count: 300)
        _ = try Ingestor(store: store).ingest(entries.map(\.encoded), physicalMillis: F.baseMillis)
        let before = try store.reader.stats()
        let reopened = try F.openStore(dir)
        #expect(try reopened.reader.stats() == before)
    }

    @Test func rebuildingTheDerivedTablesGivesTheIncrementalState() throws {
        for seed in [UInt64(1), 2, 3] {
            let store = try F.openStore(F.temporaryDirectory())
            let entries = try RandomHistory.entries(seed: seed, authors: 8, count: 400)
            for chunk in stride(from: 0, to: entries.count, by: 50) {
                let batch = entries[chunk..<min(chunk + 50, entries.count)].map(\.encoded)
                _ = try Ingestor(store: store).ingest(Array(batch), physicalMillis: F.baseMillis)
            }
            let incremental = try DerivedSnapshot.take(store)
            #expect(!incremental.tables["card_field", default: []].isEmpty, "seed \(seed)")
            #expect(!incremental.tables["edge", default: []].isEmpty, "seed \(seed)")
            try store.rebuildDerived()
            let rebuilt = try DerivedSnapshot.take(store)
            for table in incremental.tables.keys.sorted() {
                #expect(incremental.tables[table] == rebuilt.tables[table], "table \(table), seed \(seed)")
            }
        }
    }

    @Test func theOrderOfArrivalDoesNotChangeTheStore() throws {
        let entries = try RandomHistory.entries(seed: 11, authors: 5, count: 300)
        var generator = SeededRandom(seed: 11)
        let orders = [entries, entries.reversed(), entries.shuffled(using: &generator)]
        var snapshots: [DerivedSnapshot] = []
        var digests: [String] = []
        for order in orders {
            let store = try F.openStore(F.temporaryDirectory())
            _ = try Ingestor(store: store).ingest(order.map(\.encoded), physicalMillis: F.baseMillis)
            snapshots.append(try DerivedSnapshot.take(store))
            digests.append(try store.reader.stats().digest.hex)
        }
        #expect(Set(digests).count == 1)
        #expect(snapshots[0].tables == snapshots[1].tables)
        #expect(snapshots[0].tables == snapshots[2].tables)
    }

    @Test func queriesAnswerContactsSearchMutualsPathsAndIntroductions() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let keys = (20..<26).map(F.key)
        let ids = keys.map(F.identity)
        var entries: [SignedEntry] = []
        let names = ["Ada Lovelace", "Charles Babbage", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"]
        for (i, key) in keys.enumerated() {
            entries.append(try F.sign(F.card("fn", names[i]), key, millis: F.baseMillis - 100))
            entries.append(try F.sign(F.card("locality", i % 2 == 0 ? "London" : "Zürich"), key, millis: F.baseMillis - 100))
        }
        entries.append(try F.sign(.card(CardUpdate(field: "categories", values: [CardItem("compilers"), CardItem("cobol")])),
                                  keys[2], millis: F.baseMillis - 100))
        // A chain 0 - 1 - 2 - 3 plus 0 - 4 - 3, all mutual; 5 only says it knows 0.
        for (a, b) in [(0, 1), (1, 2), (2, 3), (0, 4), (4, 3)] {
            entries.append(try F.sign(F.connect(ids[b]), keys[a], millis: F.baseMillis - 50))
            entries.append(try F.sign(F.connect(ids[a]), keys[b], millis: F.baseMillis - 50))
        }
        entries.append(try F.sign(F.connect(ids[0]), keys[5], millis: F.baseMillis - 50))
        let intro = try F.sign(.introduction(IntroductionInfo(a: ids[0], b: ids[3], note: "talk compilers")), keys[1],
                               millis: F.baseMillis - 40)
        entries.append(intro)
        entries.append(try F.sign(.introductionResponse(IntroductionAnswer(introduction: intro.id, answer: .accept)), keys[0],
                                  millis: F.baseMillis - 30))
        _ = try Ingestor(store: store).ingest(entries.map(\.encoded), physicalMillis: F.baseMillis)

        #expect(try store.reader.contacts().map(\.name) == names.sorted())
        #expect(try store.reader.search("hopper").map(\.identity) == [ids[2]])
        #expect(try store.reader.search("zur").count == 3)
        #expect(try store.reader.search("comp london").map(\.identity) == [ids[2]])
        #expect(try store.reader.mutualConnections(of: ids[0]) == [ids[1], ids[4]].sorted())

        let path = store.reader.path(from: ids[0], to: ids[3])
        #expect(path.length == 2)
        #expect(path.path.first == ids[0] && path.path.last == ids[3])
        #expect(path.introducers == [ids[4]])
        let longer = store.reader.path(from: ids[0], to: ids[2])
        #expect(longer.length == 2)
        #expect(Set(longer.introducers) == [ids[1]])
        #expect(store.reader.path(from: ids[0], to: ids[5]).reachable == false)

        var intros = try store.reader.introductions(involving: ids[3])
        #expect(intros.map(\.state) == [.partiallyAccepted])
        _ = try Ingestor(store: store).ingest(
            [try F.sign(.introductionResponse(IntroductionAnswer(introduction: intro.id, answer: .decline)), keys[3],
                        millis: F.baseMillis - 20).encoded],
            physicalMillis: F.baseMillis)
        intros = try store.reader.introductions(involving: ids[0])
        #expect(intros.map(\.state) == [.declined])
        #expect(intros.first?.introducer == ids[1])

        // Removing one side of an edge ends the mutual connection and reroutes the path.
        _ = try Ingestor(store: store).ingest(
            [try F.sign(F.connect(ids[0], .removed), keys[4], millis: F.baseMillis - 10).encoded], physicalMillis: F.baseMillis)
        #expect(try store.reader.mutualConnections(of: ids[0]) == [ids[1]])
        #expect(store.reader.path(from: ids[0], to: ids[3]).length == 3)
    }
}

/// Random histories from several authors: card edits, edges, introductions and responses, with
/// equal and concurrent stamps, so that entries supersede each other.
enum RandomHistory {
    static func entries(seed: UInt64, authors: Int, count: Int) throws -> [SignedEntry] {
        var rng = SeededRandom(seed: seed)
        let keys = (0..<authors).map { StoreFixtures.key(100 + $0) }
        let ids = keys.map(StoreFixtures.identity)
        let fields = ["fn", "org", "title", "locality", "note", "categories", "email"]
        var entries: [SignedEntry] = []
        var introductions: [SignedEntry] = []
        for i in 0..<count {
            let a = Int.random(in: 0..<authors, using: &rng)
            let millis = StoreFixtures.baseMillis - 10_000 + UInt64.random(in: 0..<50, using: &rng)
            let counter = UInt16.random(in: 0..<3, using: &rng)
            let content: EntryContent
            switch Int.random(in: 0..<12, using: &rng) {
            case 10:
                content = try sealedCard(author: ids[a], field: fields[Int.random(in: 0..<fields.count, using: &rng)],
                                         value: "sealed \(i)", &rng)
            case 11:
                content = try grant(to: ids[(a + 1 + Int.random(in: 0..<(authors - 1), using: &rng)) % authors], &rng)
            case 0..<4:
                let field = fields[Int.random(in: 0..<fields.count, using: &rng)]
                content = .card(CardUpdate(field: field, values: [CardItem("value \(i) of \(field)")]))
            case 4..<7:
                var b = Int.random(in: 0..<authors, using: &rng)
                if b == a { b = (a + 1) % authors }
                content = .edge(EdgeInfo(target: ids[b], state: Bool.random(using: &rng) ? .connected : .removed))
            case 7, 8:
                let b = (a + 1) % authors
                let c = (a + 2) % authors
                content = .introduction(IntroductionInfo(a: ids[b], b: ids[c], note: "intro \(i)"))
            default:
                guard let intro = introductions.randomElement(using: &rng) else { continue }
                content = .introductionResponse(IntroductionAnswer(
                    introduction: intro.id, answer: Bool.random(using: &rng) ? .accept : .decline))
            }
            let entry = try SignedEntry.sign(content, stamp: HLCStamp(millis: millis, counter: counter), with: keys[a])
            if entry.kind == .introduction { introductions.append(entry) }
            entries.append(entry)
        }
        return entries
    }

    /// A connections-only value under one of two card keys, so rows of both keys meet in a slot.
    static func sealedCard(author: PublicIdentity, field: String, value: String, _ rng: inout SeededRandom) throws
        -> EntryContent
    {
        let key = cardKeys[Int.random(in: 0..<cardKeys.count, using: &rng)]
        let nonce = (0..<24).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return .card(CardUpdate(field: field, sealed: try CardSealing.seal([CardItem(value)], field: field, author: author,
                                                                           key: key, nonce: nonce)))
    }

    /// A grant of one of the card keys to `recipient`, or an empty one.
    static func grant(to recipient: PublicIdentity, _ rng: inout SeededRandom) throws -> EntryContent {
        let choice = Int.random(in: 0...cardKeys.count, using: &rng)
        guard choice < cardKeys.count else { return .grant(.empty(to: recipient)) }
        let seed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        guard let info = CardSealing.grant(cardKeys[choice], to: recipient, ephemeralSeed: seed) else {
            throw StoreError.database("no X25519 form for a test key")
        }
        return .grant(info)
    }

    static let cardKeys = [UInt8(1), 2].compactMap { CardKey(bytes: [UInt8](repeating: $0, count: 32)) }
}

/// Every derived table's rows as sorted text, with the FTS rows keyed by identity rather than rowid.
struct DerivedSnapshot: Equatable {
    var tables: [String: [String]] = [:]

    static func take(_ store: Store) throws -> DerivedSnapshot {
        var snapshot = DerivedSnapshot()
        let queries = [
            "card": "SELECT hex(author) FROM card",
            "card_field": "SELECT hex(author), field, items, display, stamp, hex(entry_id), hex(sealed) FROM card_field",
            "grant_entry": "SELECT hex(author), hex(recipient), hex(key_id), hex(sealed_key), stamp, hex(entry_id) FROM grant_entry",
            "card_fts": """
                SELECT hex(card.author), name, org, title, locality, note, categories
                FROM card_fts JOIN card ON card.rowid = card_fts.rowid
                """,
            "edge": "SELECT hex(author), hex(target), state, stamp, hex(entry_id) FROM edge",
            "introduction": "SELECT hex(id), hex(author), hex(a), hex(b), note, stamp FROM introduction",
            "introduction_response": "SELECT hex(introduction), hex(author), answer, stamp, hex(entry_id) FROM introduction_response",
            "entry": "SELECT hex(id), hex(author), kind, hex(rkey), stamp, hex(body), hex(signature), state FROM entry",
        ]
        try store.pool.read { db in
            for (table, sql) in queries {
                let rows = try Row.fetchAll(db, sql: sql).map { row in
                    row.databaseValues.map(\.description).joined(separator: "|")
                }
                snapshot.tables[table] = rows.sorted()
            }
            let ftsCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM card_fts") ?? -1
            snapshot.tables["card_fts_count"] = ["\(ftsCount)"]
        }
        #expect(Set(StoreSchema.derivedTables).isSubset(of: Set(queries.keys)))
        return snapshot
    }
}
