import Foundation
import GRDB
import GrapevineCore
import GrapevineMerge

/// What the running node reads of the entries: the held ids for reconciliation, the digest and
/// count for its status, and entries' verbatim bytes for the answers it sends.
extension StoreReader {
    /// The held ids (retained and quarantined) ordered by (stamp, id), as of the last commit. A
    /// value: later merges do not change a snapshot already taken, and reading it never waits for
    /// a transaction in progress.
    public var heldIndex: ReconciliationIndex {
        mirror.loadIfNeededForReading()
        return published.read().index
    }

    /// The store digest (fingerprint of the retained set) as of the last commit, read in O(1).
    public var digest: Fingerprint {
        mirror.loadIfNeededForReading()
        return published.read().digest
    }

    /// How many entries were retained at the last commit.
    public var retainedCount: Int {
        mirror.loadIfNeededForReading()
        return published.read().retainedCount
    }

    /// Whether an entry with this id is stored (retained or quarantined).
    public func contains(_ id: EntryID) throws(StoreError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM entry WHERE id = ?)", arguments: [id.blob]) ?? false
        }
    }

    /// The encoded `SignedEntry` of a held entry, exactly as it arrived; nil if not held.
    public func encodedEntry(_ id: EntryID) -> [UInt8]? {
        let row = try? database.read { db in
            try Row.fetchOne(db, sql: "SELECT body, signature FROM entry WHERE id = ?", arguments: [Data(id.bytes)])
        }
        guard let row, let body = row["body"] as Data?, let signature = row["signature"] as Data? else { return nil }
        return SignedEntry.envelope(body: [UInt8](body), signature: [UInt8](signature))
    }

    /// The encoded `SignedEntry` of each held entry among `ids`, exactly as it arrived, in the
    /// order of `ids`; ids not held are left out. One read for the whole answer of a request or
    /// a reconciliation round, rather than one per entry.
    public func encodedEntries(_ ids: [EntryID]) -> [[UInt8]] {
        guard !ids.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        let rows = try? database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body, signature FROM entry WHERE id IN (\(placeholders))",
                             arguments: StatementArguments(ids.map { Data($0.bytes) }))
        }
        var found: [Data: [UInt8]] = [:]
        for row in rows ?? [] {
            guard let id = row["id"] as Data?, let body = row["body"] as Data?, let signature = row["signature"] as Data?
            else { continue }
            found[id] = SignedEntry.envelope(body: [UInt8](body), signature: [UInt8](signature))
        }
        return ids.compactMap { found[Data($0.bytes)] }
    }

    /// The winning entry of `author` for a kind and replacement key, if the store holds one.
    public func latestEntry(author: PublicIdentity, kind: EntryKind, replacementKey: [UInt8]) -> SignedEntry? {
        guard let id = mirror.winner(author: author, kind: kind, replacementKey: replacementKey),
              let bytes = encodedEntry(id)
        else { return nil }
        return try? SignedEntry.decode(bytes)
    }
}
