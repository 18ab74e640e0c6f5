import Foundation
import GRDB
import GrapevineCore

/// Connections and introductions: who is connected with whom, the path between two people, and
/// the answers that `connections`, `introduce`, `intros`, `accept` and `decline` need.
extension StoreReader {
    /// The identities `identity` is connected with in both directions, sorted by key.
    public func mutualConnections(of identity: PublicIdentity) throws(StoreError) -> [PublicIdentity] {
        try read { db in
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

    /// `identity`'s mutual connections and the one-sided ones in each direction, each sorted by key.
    public func connections(of identity: PublicIdentity) throws(StoreError) -> ConnectionLists {
        let connected = Int64(EdgeState.connected.rawValue)
        return try read { db in
            let mine = try Row.fetchAll(
                db, sql: "SELECT target FROM edge WHERE author = ? AND state = ? ORDER BY target",
                arguments: [identity.blob, connected]
            ).compactMap { PublicIdentity(bytes: $0.bytes(0)) }
            let theirs = try Row.fetchAll(
                db, sql: "SELECT author FROM edge WHERE target = ? AND state = ? ORDER BY author",
                arguments: [identity.blob, connected]
            ).compactMap { PublicIdentity(bytes: $0.bytes(0)) }
            let back = Set(theirs)
            let forth = Set(mine)
            return ConnectionLists(
                mutual: mine.filter { back.contains($0) }.sorted(),
                waitingForThem: mine.filter { !back.contains($0) }.sorted(),
                waitingForMe: theirs.filter { !forth.contains($0) && $0 != identity }.sorted())
        }
    }

    /// A shortest path over mutual connections, from the write core's in-memory graph.
    public func path(from source: PublicIdentity, to target: PublicIdentity) -> PathResult {
        guard let route = mirror.route(from: source, to: target) else {
            return PathResult(from: source, to: target, reachable: false, length: nil, path: [], introducers: [])
        }
        return PathResult(from: source, to: target, reachable: true, length: route.path.count - 1,
                          path: route.path, introducers: route.introducers)
    }

    /// The edge `author` recorded toward `target`, with its stamp, or nil if it recorded none.
    public func edge(from author: PublicIdentity, to target: PublicIdentity) throws(StoreError) -> EdgeRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT state, stamp FROM edge WHERE author = ? AND target = ?",
                             arguments: [author.blob, target.blob])
                .flatMap { row in
                    EdgeState(rawValue: UInt32(truncatingIfNeeded: row[0] as Int64))
                        .map { EdgeRecord(state: $0, stamp: HLCStamp(databaseValue: row[1])) }
                }
        }
    }

    /// The state of the edge `author` recorded toward `target`, or nil if it recorded none.
    public func edgeState(from author: PublicIdentity, to target: PublicIdentity) throws(StoreError) -> EdgeState? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT state FROM edge WHERE author = ? AND target = ?",
                               arguments: [author.blob, target.blob])
                .flatMap { EdgeState(rawValue: UInt32(truncatingIfNeeded: $0)) }
        }
    }

    /// The introductions that name `identity`, as introducer or as one of the two introduced,
    /// newest first.
    public func introductions(involving identity: PublicIdentity) throws(StoreError) -> [IntroductionSummary] {
        try read { db in
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

    /// `author`'s current answer to the introduction `id`, or nil if it gave none.
    public func answer(to id: EntryID, by author: PublicIdentity) throws(StoreError) -> AnswerRecord? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT answer, stamp FROM introduction_response WHERE introduction = ? AND author = ?",
                arguments: [id.blob, author.blob]
            ).flatMap { row in
                IntroductionAnswer.Answer(rawValue: UInt32(truncatingIfNeeded: row[0] as Int64))
                    .map { AnswerRecord(answer: $0, stamp: HLCStamp(databaseValue: row[1])) }
            }
        }
    }
}
