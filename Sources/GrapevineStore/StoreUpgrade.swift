import Foundation
import GRDB
import GrapevineCore

/// Upgrading a store written under protocol v1 (PROTOCOL.md §15.5): every stored entry is checked
/// again, signature included, against the rules of this version, and its metadata columns against
/// its bytes. What the rules refuse is moved to `set_aside` with its reason, never dropped: the
/// bytes stay for a person to look at, and `inspect` counts them.
enum StoreUpgrade {
    /// The reason for a row whose id, author, kind, replacement key or stamp columns disagree with its bytes.
    static let metadataMismatch = "metadata-mismatch"

    /// Re-checks every row of `entry`; returns how many were set aside. The derived tables still
    /// hold rows of what was set aside: the caller rebuilds them once the schema is complete.
    @discardableResult
    static func recheck(_ db: Database) throws -> Int {
        var refused: [(id: [UInt8], reason: String, detail: String, body: [UInt8], signature: [UInt8])] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, author, kind, rkey, stamp, body, signature FROM entry ORDER BY id")
        while let row = try rows.next() {
            let id = row.bytes(0)
            let body = row.bytes(5)
            let signature = row.bytes(6)
            if let (reason, detail) = verdict(row, id: id, body: body, signature: signature) {
                refused.append((id, reason, detail, body, signature))
            }
        }
        for item in refused {
            try db.run("INSERT OR REPLACE INTO set_aside (id, reason, detail, body, signature) VALUES (?, ?, ?, ?, ?)",
                       arguments: [Data(item.id), item.reason, item.detail, Data(item.body), Data(item.signature)])
            try db.run("DELETE FROM entry WHERE id = ?", arguments: [Data(item.id)])
        }
        return refused.count
    }

    /// Why this version refuses the row, or nil when it is a valid entry whose columns match its bytes.
    private static func verdict(_ row: Row, id: [UInt8], body: [UInt8], signature: [UInt8]) -> (String, String)? {
        let entry: SignedEntry
        do {
            entry = try SignedEntry.decode(SignedEntry.envelope(body: body, signature: signature))
        } catch {
            return (error.reason.rawValue, error.detail)
        }
        // Optional reads: a damaged row may hold NULL or text where a number belongs.
        let kind = row[2] as Int64?
        let stamp = row[4] as Int64?
        guard entry.id.bytes == id, entry.author.bytes == row.bytes(1), kind == Int64(entry.kind.rawValue),
              entry.replacementKey == row.bytes(3), stamp == entry.stamp.databaseValue
        else {
            return (metadataMismatch, "the stored id, author, kind, key or stamp differ from the entry's bytes")
        }
        return nil
    }
}
