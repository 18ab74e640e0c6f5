import Foundation
import GRDB
import GrapevineCore

/// The tables computed from the retained entries. Each retained entry of a known kind maps to
/// at most one row (a card field, an edge, an introduction, a response or a grant), and the
/// per-identity `card` and `card_fts` rows are recomputed from that identity's card fields, so
/// `rebuild` and the incremental path produce the same tables whatever the arrival order.
enum DerivedTables {
    /// A directed edge as the in-memory graph needs it.
    struct EdgeChange: Sendable {
        var author: PublicIdentity
        var target: PublicIdentity
        var connected: Bool
    }

    /// Most superseded values kept per (identity, field) in `history`.
    static let historyPerField = 8

    /// Adds the rows of a newly retained entry. Returns the edge change for the graph, if any.
    static func add(_ db: Database, id: EntryID, author: PublicIdentity, stamp: HLCStamp, content: EntryContent)
        throws -> EdgeChange?
    {
        let idData = id.blob
        switch content {
        case .card(let update):
            try db.run("""
                    INSERT OR REPLACE INTO card_field (author, field, items, display, stamp, entry_id, sealed)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [author.blob, update.field, try itemsJSON(update.values), display(update), stamp.databaseValue, idData,
                            update.sealed.map { Data($0.bytes) }])
        case .edge(let info):
            try db.run("INSERT OR REPLACE INTO edge (author, target, state, stamp, entry_id) VALUES (?, ?, ?, ?, ?)",
                arguments: [author.blob, info.target.blob, Int64(info.state.rawValue), stamp.databaseValue, idData])
            return EdgeChange(author: author, target: info.target, connected: info.state == .connected)
        case .introduction(let info):
            try db.run("INSERT OR REPLACE INTO introduction (id, author, a, b, note, stamp) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [idData, author.blob, info.a.blob, info.b.blob, info.note, stamp.databaseValue])
        case .introductionResponse(let answer):
            try db.run("""
                    INSERT OR REPLACE INTO introduction_response (introduction, author, answer, stamp, entry_id)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [answer.introduction.blob, author.blob, Int64(answer.answer.rawValue), stamp.databaseValue, idData])
        case .grant(let grant):
            try db.run("""
                    INSERT OR REPLACE INTO grant_entry (author, recipient, key_id, sealed_key, stamp, entry_id)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [author.blob, grant.recipient.blob, Data(grant.keyID), Data(grant.sealedKey),
                            stamp.databaseValue, idData])
        case .endpoint, .unknown:
            break
        }
        return nil
    }

    /// Removes the rows of an entry that is no longer retained. Rows already taken over by a
    /// newer entry of the same slot are left alone (they carry the newer entry's id).
    static func remove(_ db: Database, id: EntryID, author: PublicIdentity, content: EntryContent) throws -> EdgeChange? {
        let idData = id.blob
        switch content {
        case .card(let update):
            try db.run("DELETE FROM card_field WHERE author = ? AND field = ? AND entry_id = ?",
                           arguments: [author.blob, update.field, idData])
        case .edge(let info):
            try db.run("DELETE FROM edge WHERE author = ? AND target = ? AND entry_id = ?",
                           arguments: [author.blob, info.target.blob, idData])
            if db.changesCount > 0 { return EdgeChange(author: author, target: info.target, connected: false) }
        case .introduction:
            try db.run("DELETE FROM introduction WHERE id = ?", arguments: [idData])
        case .introductionResponse(let answer):
            try db.run("DELETE FROM introduction_response WHERE introduction = ? AND author = ? AND entry_id = ?",
                           arguments: [answer.introduction.blob, author.blob, idData])
        case .grant(let grant):
            try db.run("DELETE FROM grant_entry WHERE author = ? AND recipient = ? AND entry_id = ?",
                       arguments: [author.blob, grant.recipient.blob, idData])
        case .endpoint, .unknown:
            break
        }
        return nil
    }

    /// Recomputes one identity's `card` and `card_fts` rows from its card fields.
    static func refreshSearch(_ db: Database, author: PublicIdentity) throws {
        let rows = try Row.fetchAll(try db.cachedStatement(sql: "SELECT field, display FROM card_field WHERE author = ?"),
                                    arguments: [author.blob])
        let existing = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT rowid FROM card WHERE author = ?"),
                                          arguments: [author.blob])
        if let existing {
            try db.run("DELETE FROM card_fts WHERE rowid = ?", arguments: [existing])
        }
        guard !rows.isEmpty else {
            if existing != nil { try db.run("DELETE FROM card WHERE author = ?", arguments: [author.blob]) }
            return
        }
        var columns: [String: String] = [:]
        for row in rows {
            let field: String = row[0]
            let display: String = row[1]
            guard let column = searchColumn(for: field) else { continue }
            columns[column] = columns[column].map { $0 + " " + display } ?? display
        }
        let rowid: Int64
        if let existing {
            rowid = existing
        } else {
            try db.run("INSERT INTO card (author) VALUES (?)", arguments: [author.blob])
            rowid = db.lastInsertedRowID
        }
        try db.run("INSERT INTO card_fts (rowid, name, org, title, locality, note, categories) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [rowid, columns["name"] ?? "", columns["org"] ?? "", columns["title"] ?? "",
                        columns["locality"] ?? "", columns["note"] ?? "", columns["categories"] ?? ""])
    }

    /// Clears every derived table and recomputes it from the retained entries.
    static func rebuild(_ db: Database) throws {
        for table in StoreSchema.derivedTables {
            try db.run("DELETE FROM \(table)")
        }
        var authors = Set<PublicIdentity>()
        let rows = try Row.fetchCursor(
            db, sql: "SELECT id, author, kind, rkey, stamp, body, signature FROM entry WHERE state = ?",
            arguments: [StoredEntry.retainedState])
        while let row = try rows.next() {
            let stored = try storedEntry(row)
            let parsed = try stored.parsed()
            _ = try add(db, id: stored.id, author: stored.author, stamp: stored.stamp, content: parsed.content)
            if parsed.kind == .card { authors.insert(stored.author) }
        }
        for author in authors.sorted() {
            try refreshSearch(db, author: author)
        }
    }

    /// Decodes a row of `SELECT id, author, kind, rkey, stamp, body, signature FROM entry`.
    static func storedEntry(_ row: Row) throws -> StoredEntry {
        let idBytes = row.bytes(0)
        guard let id = EntryID(bytes: idBytes),
              let author = PublicIdentity(bytes: row.bytes(1))
        else { throw StoreError.corruptEntry(id: Hex.encode(idBytes), detail: "bad id or author column") }
        let kind: Int64 = row[2]
        let stamp: Int64 = row[4]
        return StoredEntry(
            id: id, author: author, kind: EntryKind(rawValue: UInt32(truncatingIfNeeded: kind)),
            replacementKey: row.bytes(3), stamp: HLCStamp(databaseValue: stamp),
            body: row.bytes(5), signature: row.bytes(6))
    }

    /// Which FTS column a card field feeds; fields outside search are not indexed.
    static func searchColumn(for field: String) -> String? {
        switch field {
        case "fn", "n": return "name"
        case "org": return "org"
        case "title", "role": return "title"
        case "locality": return "locality"
        case "note": return "note"
        case "categories": return "categories"
        default: return nil
        }
    }

    /// The searchable text of a field: its public values; a sealed field gives none, so no
    /// plaintext of it ever reaches the search index.
    static func display(_ update: CardUpdate) -> String {
        update.values.map(\.value).joined(separator: update.field == "categories" ? ", " : "; ")
    }

    /// `[{"type":…,"value":…}]` by JSONEncoder, with keys sorted so equal values give equal text.
    static func itemsJSON(_ items: [CardItem]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(items), as: UTF8.self)
    }
}

extension Database {
    /// Executes one statement from the connection's statement cache: the hot paths run the same
    /// few statements thousands of times per batch, and parsing SQL each time would dominate.
    func run(_ sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
