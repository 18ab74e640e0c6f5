import Foundation
import GRDB
import GrapevineCore

/// An identity this store has heard of, with the display name its card gives, if any.
public struct KnownIdentity: Sendable, Equatable {
    public var identity: PublicIdentity
    /// `fn`, else `n`, else empty.
    public var name: String

    public init(identity: PublicIdentity, name: String) {
        self.identity = identity
        self.name = name
    }
}

/// The lookups the command line needs to turn what a user typed into identities.
extension Store {
    /// Every identity that authored a retained entry or is named by an edge or an introduction,
    /// sorted by key, so that a name or prefix can be resolved against all of them.
    public func knownIdentities() throws(StoreError) -> [KnownIdentity] {
        try guarded {
            try pool.read { db in
                let rows = try Row.fetchAll(
                    db, sql: """
                        SELECT author FROM entry WHERE state = ?1
                        UNION SELECT target FROM edge
                        UNION SELECT a FROM introduction
                        UNION SELECT b FROM introduction
                        """,
                    arguments: [StoredEntry.retainedState])
                var names: [[UInt8]: [String: String]] = [:]
                for row in try Row.fetchAll(
                    db, sql: "SELECT author, field, display FROM card_field WHERE field IN ('fn', 'n')")
                {
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

    /// The state of the edge `author` recorded toward `target`, or nil if it recorded none.
    public func edgeState(from author: PublicIdentity, to target: PublicIdentity) throws(StoreError) -> EdgeState? {
        try guarded {
            try pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT state FROM edge WHERE author = ? AND target = ?",
                                   arguments: [author.blob, target.blob])
                    .flatMap { EdgeState(rawValue: UInt32(truncatingIfNeeded: $0)) }
            }
        }
    }

    /// The newest stamp among the identity's card fields: its card's revision, for `REV`.
    public func cardRevision(of identity: PublicIdentity) throws(StoreError) -> HLCStamp? {
        try guarded {
            try pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT max(stamp) FROM card_field WHERE author = ?",
                                   arguments: [identity.blob])
                    .map { HLCStamp(databaseValue: $0) }
            }
        }
    }

    /// The author's card fields that hold values, read on `db` (inside a write transaction, for
    /// the local edit path).
    static func cardItems(of author: PublicIdentity, db: Database) throws -> [String: [CardItem]] {
        var result: [String: [CardItem]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT field, items FROM card_field WHERE author = ?", arguments: [author.blob]) {
            let items = try values(row[1])
            if !items.isEmpty { result[row[0]] = items }
        }
        return result
    }
}
