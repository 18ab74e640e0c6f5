import Foundation
import GRDB
import GrapevineCore

/// The read side: each query reads one consistent snapshot and returns a typed result.
extension Store {
    /// The known cards, sorted by name then identity.
    public func contacts() throws(StoreError) -> [ContactSummary] {
        try guarded {
            try pool.read { db in
                let rows = try Row.fetchCursor(
                    db, sql: """
                        SELECT author, field, display FROM card_field
                        WHERE field IN ('fn', 'n', 'org', 'title', 'locality') ORDER BY author
                        """)
                var result: [ContactSummary] = []
                var current: (author: [UInt8], fields: [String: String])?
                func flush() {
                    guard let current, let identity = PublicIdentity(bytes: current.author) else { return }
                    result.append(Self.summary(identity, current.fields))
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
    }

    /// Full-text search over name, org, title, locality, bio (note) and topics (categories).
    /// Every word must match, as a prefix; results are ranked by BM25.
    public func search(_ text: String, limit: Int = 20) throws(StoreError) -> [ContactSummary] {
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard !words.isEmpty else { return [] }
        let query = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "") + "\"*" }.joined(separator: " ")
        return try guarded {
            try pool.read { db in
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
                    return Self.summary(author, fields)
                }
            }
        }
    }

    /// The identities whose cards hold connections-only fields, with how many each holds.
    public func sealedFieldCounts() throws(StoreError) -> [PublicIdentity: Int] {
        try guarded {
            try pool.read { db in
                var counts: [PublicIdentity: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT author, count(*) FROM card_field WHERE sealed IS NOT NULL GROUP BY author") {
                    if let author = PublicIdentity(bytes: row.bytes(0)) { counts[author] = row[1] }
                }
                return counts
            }
        }
    }

    /// One card with each field's value, stamp and entry id, and the values it superseded.
    public func card(_ identity: PublicIdentity) throws(StoreError) -> CardDetail {
        try guarded {
            try pool.read { db in
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
                    let sealed = Self.sealed(row, column: 4)
                    return FieldProvenance(
                        field: field, values: try Self.values(row[1]),
                        stamp: HLCStamp(databaseValue: row[2]), entryID: try Self.entryID(row, column: 3),
                        superseded: try history.map { h in
                            let sealed = Self.sealed(h, column: 3)
                            return SupersededValue(
                                values: try Self.values(h[0]), stamp: HLCStamp(databaseValue: h[1]),
                                entryID: try Self.entryID(h, column: 2), visibility: sealed == nil ? .public : .connections,
                                sealed: sealed)
                        },
                        visibility: sealed == nil ? .public : .connections, sealed: sealed)
                }
                return CardDetail(identity: identity, fields: fields)
            }
        }
    }

    /// The identities `identity` is connected with in both directions, sorted by key.
    public func mutualConnections(of identity: PublicIdentity) throws(StoreError) -> [PublicIdentity] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: """
                        SELECT mine.target FROM edge AS mine
                        JOIN edge AS theirs ON theirs.author = mine.target AND theirs.target = mine.author
                        WHERE mine.author = ? AND mine.state = ? AND theirs.state = ?
                        ORDER BY mine.target
                        """,
                    arguments: [identity.blob, Int64(EdgeState.connected.rawValue), Int64(EdgeState.connected.rawValue)]
                ).compactMap { PublicIdentity(bytes: $0.bytes(0)) }
            }
        }
    }

    /// A shortest path over mutual connections, from the in-memory graph.
    public func path(from source: PublicIdentity, to target: PublicIdentity) -> PathResult {
        loadIfNeededForReading()
        lock.lock()
        let route = graph.route(from: source, to: target)
        lock.unlock()
        guard let route else {
            return PathResult(from: source, to: target, reachable: false, length: nil, path: [], introducers: [])
        }
        return PathResult(from: source, to: target, reachable: true, length: route.path.count - 1,
                          path: route.path, introducers: route.introducers)
    }

    /// The introductions that name `identity`, as introducer or as one of the two introduced,
    /// newest first.
    public func introductions(involving identity: PublicIdentity) throws(StoreError) -> [IntroductionSummary] {
        try guarded {
            try pool.read { db in
                let rows = try Row.fetchAll(
                    db, sql: """
                        SELECT id, author, a, b, note, stamp FROM introduction
                        WHERE author = ?1 OR a = ?1 OR b = ?1 ORDER BY stamp DESC, id DESC
                        """,
                    arguments: [identity.blob])
                return try rows.compactMap { row -> IntroductionSummary? in
                    guard let id = EntryID(bytes: row.bytes(0)), let author = PublicIdentity(bytes: row.bytes(1)),
                          let a = PublicIdentity(bytes: row.bytes(2)), let b = PublicIdentity(bytes: row.bytes(3))
                    else { return nil }
                    let answers = try Row.fetchAll(
                        db, sql: "SELECT author, answer FROM introduction_response WHERE introduction = ? AND author IN (?, ?)",
                        arguments: [id.blob, a.blob, b.blob])
                    var answerA: IntroductionAnswer.Answer?
                    var answerB: IntroductionAnswer.Answer?
                    for answer in answers {
                        let value = IntroductionAnswer.Answer(rawValue: UInt32(truncatingIfNeeded: answer[1] as Int64))
                        if answer.bytes(0) == a.bytes { answerA = value } else { answerB = value }
                    }
                    return IntroductionSummary(
                        id: id, introducer: author, a: a, b: b, note: row[4], stamp: HLCStamp(databaseValue: row[5]),
                        state: .from(answerA: answerA, answerB: answerB), answerA: answerA, answerB: answerB)
                }
            }
        }
    }

    /// Counts by kind, authors, retained, pruned, quarantined, rejections and set-aside entries by reason, and the digest.
    public func stats() throws(StoreError) -> StoreStats {
        try loadIfNeeded()
        lock.lock()
        let retained = core.retainedCount
        let quarantined = core.quarantinedCount
        let digest = core.digest
        lock.unlock()
        return try guarded {
            try pool.read { db in
                var byKind: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM entry WHERE state = ? GROUP BY kind",
                                            arguments: [StoredEntry.retainedState]) {
                    byKind[EntryKind(rawValue: UInt32(truncatingIfNeeded: row[0] as Int64)).name] = row[1]
                }
                var rejections: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT reason, count FROM rejection") {
                    rejections[row[0]] = row[1]
                }
                var setAside: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT reason, count(*) FROM set_aside GROUP BY reason") {
                    setAside[row[0]] = row[1]
                }
                return StoreStats(
                    entriesByKind: byKind,
                    authors: try Int.fetchOne(db, sql: "SELECT count(DISTINCT author) FROM entry WHERE state = ?",
                                              arguments: [StoredEntry.retainedState]) ?? 0,
                    retained: retained,
                    pruned: try Int.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'pruned'") ?? 0,
                    quarantined: quarantined, rejections: rejections, setAside: setAside, digest: digest)
            }
        }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() throws(StoreError) -> String {
        try guarded {
            try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
        }
    }

    /// Whether an entry with this id is stored (retained or quarantined).
    public func contains(_ id: EntryID) throws(StoreError) -> Bool {
        try guarded {
            try pool.read { db in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM entry WHERE id = ?)", arguments: [id.blob]) ?? false
            }
        }
    }

    static func summary(_ identity: PublicIdentity, _ fields: [String: String]) -> ContactSummary {
        ContactSummary(
            identity: identity, name: fields["fn"] ?? fields["n"] ?? "", org: fields["org"] ?? "",
            title: fields["title"] ?? "", locality: fields["locality"] ?? "")
    }

    /// The sealed bytes in `column`, or nil for a public value (NULL).
    static func sealed(_ row: Row, column: Int) -> SealedValue? {
        let bytes = row.bytes(column)
        return bytes.isEmpty ? nil : SealedValue(bytes: bytes)
    }

    /// The entry id in `column`; a damaged row is an error that names it, not a crash.
    static func entryID(_ row: Row, column: Int) throws -> EntryID {
        let bytes = row.bytes(column)
        guard let id = EntryID(bytes: bytes) else {
            throw StoreError.corruptEntry(id: Hex.encode(bytes), detail: "a card row's entry id is not \(EntryID.length) bytes")
        }
        return id
    }

    static func values(_ json: String) throws -> [CardItem] {
        try JSONDecoder().decode([CardItem].self, from: Data(json.utf8))
    }
}
