import Foundation
import GRDB
import GrapevineCore

/// One person's connections as both sides recorded them.
public struct ConnectionLists: Sendable, Equatable {
    /// Connected in both directions.
    public var mutual: [PublicIdentity]
    /// The person recorded a connection to these, who have not recorded one back.
    public var waitingForThem: [PublicIdentity]
    /// These recorded a connection to the person, who has not recorded one back.
    public var waitingForMe: [PublicIdentity]

    /// Everyone the person recorded a connection to, mutual or not, sorted by key.
    public var recorded: [PublicIdentity] { (mutual + waitingForThem).sorted() }
}

/// An edge's current state and the stamp of the entry that set it.
public struct EdgeRecord: Sendable, Equatable {
    public var state: EdgeState
    public var stamp: HLCStamp

    public init(state: EdgeState, stamp: HLCStamp) {
        self.state = state
        self.stamp = stamp
    }
}

/// Someone's current answer to an introduction and the stamp of the entry that gave it.
public struct AnswerRecord: Sendable, Equatable {
    public var answer: IntroductionAnswer.Answer
    public var stamp: HLCStamp

    public init(answer: IntroductionAnswer.Answer, stamp: HLCStamp) {
        self.answer = answer
        self.stamp = stamp
    }
}

/// The queries about connections and answers that `connections`, `introduce`, `intros`,
/// `accept` and `decline` need.
extension Store {
    /// `identity`'s mutual connections and the one-sided ones in each direction, each sorted by key.
    public func connections(of identity: PublicIdentity) throws(StoreError) -> ConnectionLists {
        let connected = Int64(EdgeState.connected.rawValue)
        return try guarded {
            try pool.read { db in
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
    }

    /// The edge `author` recorded toward `target`, with its stamp, or nil if it recorded none.
    public func edge(from author: PublicIdentity, to target: PublicIdentity) throws(StoreError) -> EdgeRecord? {
        try guarded {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT state, stamp FROM edge WHERE author = ? AND target = ?",
                                 arguments: [author.blob, target.blob])
                    .flatMap { row in
                        EdgeState(rawValue: UInt32(truncatingIfNeeded: row[0] as Int64))
                            .map { EdgeRecord(state: $0, stamp: HLCStamp(databaseValue: row[1])) }
                    }
            }
        }
    }

    /// `author`'s current answer to the introduction `id`, or nil if it gave none.
    public func answer(to id: EntryID, by author: PublicIdentity) throws(StoreError) -> AnswerRecord? {
        try guarded {
            try pool.read { db in
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
}
