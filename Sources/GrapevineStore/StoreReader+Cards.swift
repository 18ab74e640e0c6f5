import Foundation
import GRDB
import GrapevineCore

/// The cards: contact lists, search, one card with provenance, and the identities a user's words
/// resolve against. Each query reads one consistent snapshot.
extension StoreReader {
    /// The known cards, sorted by name then identity.
    public func contacts() throws(StoreError) -> [ContactSummary] {
        try read { db in
            let rows = try Row.fetchCursor(
                db, sql: """
                    SELECT author, field, display FROM card_field
                    WHERE field IN ('fn', 'n', 'org', 'title', 'locality') ORDER BY author
                    """)
            var result: [ContactSummary] = []
            var current: (author: [UInt8], fields: [String: String])?
            func flush() {
                guard let current, let identity = PublicIdentity(bytes: current.author) else { return }
                result.append(CardRows.summary(identity, current.fields))
            }
            while let row = try rows.next() {
                let author = row.bytes(0)
                if current?.author != author {
                    flush()
                    current = (author, [:])
                }
                current?.fields[row[1]] = row[2]
            }
            flush()
            return result.sorted { ($0.name, $0.identity) < ($1.name, $1.identity) }
        }
    }

    /// Full-text search over name, org, title, locality, bio (note) and topics (categories).
    /// Every word must match, as a prefix; results are ranked by BM25.
    public func search(_ text: String, limit: Int = 20) throws(StoreError) -> [ContactSummary] {
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard !words.isEmpty else { return [] }
        let query = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "") + "\"*" }.joined(separator: " ")
        return try read { db in
            let authors = try Row.fetchAll(
                db, sql: """
                    SELECT card.author FROM card_fts JOIN card ON card.rowid = card_fts.rowid
                    WHERE card_fts MATCH ? ORDER BY rank LIMIT ?
                    """,
                arguments: [query, limit]
            ).compactMap { PublicIdentity(bytes: $0.bytes(0)) }
            return try authors.map { author in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT field, display FROM card_field WHERE author = ?", arguments: [author.blob])
                var fields: [String: String] = [:]
                for row in rows { fields[row[0]] = row[1] }
                return CardRows.summary(author, fields)
            }
        }
    }

    /// The identities whose cards hold connections-only fields, with how many each holds.
    public func sealedFieldCounts() throws(StoreError) -> [PublicIdentity: Int] {
        try read { db in
            var counts: [PublicIdentity: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT author, count(*) FROM card_field WHERE sealed IS NOT NULL GROUP BY author") {
                if let author = PublicIdentity(bytes: row.bytes(0)) { counts[author] = row[1] }
            }
            return counts
        }
    }

    /// One card with each field's value, stamp and entry id, and the values it superseded.
    public func card(_ identity: PublicIdentity) throws(StoreError) -> CardDetail {
        try read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT field, items, stamp, entry_id, sealed FROM card_field WHERE author = ? ORDER BY field",
                arguments: [identity.blob])
            let fields = try rows.map { row -> FieldProvenance in
                let field: String = row[0]
                let history = try Row.fetchAll(
                    db, sql: """
                        SELECT items, stamp, entry_id, sealed FROM history WHERE author = ? AND field = ?
                        ORDER BY stamp DESC, entry_id DESC
                        """,
                    arguments: [identity.blob, field])
                let sealed = CardRows.sealed(row, column: 4)
                return FieldProvenance(
                    field: field, values: try CardRows.values(row[1]),
                    stamp: HLCStamp(databaseValue: row[2]), entryID: try CardRows.entryID(row, column: 3),
                    superseded: try history.map { h in
                        let sealed = CardRows.sealed(h, column: 3)
                        return SupersededValue(
                            values: try CardRows.values(h[0]), stamp: HLCStamp(databaseValue: h[1]),
                            entryID: try CardRows.entryID(h, column: 2), visibility: sealed == nil ? .public : .connections,
                            sealed: sealed)
                    },
                    visibility: sealed == nil ? .public : .connections, sealed: sealed)
            }
            return CardDetail(identity: identity, fields: fields)
        }
    }

    /// The newest stamp among the identity's card fields: its card's revision, for `REV`.
    public func cardRevision(of identity: PublicIdentity) throws(StoreError) -> HLCStamp? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT max(stamp) FROM card_field WHERE author = ?", arguments: [identity.blob])
                .map { HLCStamp(databaseValue: $0) }
        }
    }

    /// Every identity that authored a retained entry or is named by an edge or an introduction,
    /// sorted by key, so that a name or prefix can be resolved against all of them.
    public func knownIdentities() throws(StoreError) -> [KnownIdentity] {
        try read { db in
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT author FROM entry WHERE state = ?1
                    UNION SELECT target FROM edge
                    UNION SELECT a FROM introduction
                    UNION SELECT b FROM introduction
                    """,
                arguments: [StoredEntry.retainedState])
            var names: [[UInt8]: [String: String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT author, field, display FROM card_field WHERE field IN ('fn', 'n')") {
                names[row.bytes(0), default: [:]][row[1]] = row[2]
            }
            return rows.compactMap { row -> KnownIdentity? in
                let bytes = row.bytes(0)
                guard let identity = PublicIdentity(bytes: bytes) else { return nil }
                let fields = names[bytes] ?? [:]
                return KnownIdentity(identity: identity, name: fields["fn"] ?? fields["n"] ?? "")
            }.sorted { $0.identity < $1.identity }
        }
    }
}
