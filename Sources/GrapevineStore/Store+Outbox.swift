import Foundation
import GRDB
import GrapevineCore

/// The outbox: the entries the running node must send, queued by other processes (the CLI's
/// writes, `peer add`) in the same WAL database. The node polls it, hands each entry to the
/// engine, then removes what it took. Everything that touches the `outbox` table is here.
extension Store {
    /// Queues `id` inside the caller's transaction: a local write queues its entry in the same
    /// transaction that stores it, so an entry is stored and queued or neither.
    static func queueInOutbox(_ id: EntryID, db: Database) throws {
        try db.run("INSERT INTO outbox (entry_id) VALUES (?)", arguments: [id.blob])
    }

    /// Queues a held entry for the node, as if written locally. `peer add` uses it for the invite's
    /// endpoint entry, which tells a running node to join through that peer.
    public func enqueueForNode(_ id: EntryID) throws(StoreError) {
        try guarded {
            try pool.write { db in try Self.queueInOutbox(id, db: db) }
        }
    }

    /// The local entries queued for gossip, oldest first, as the bytes to send. Entries pruned
    /// since they were written are skipped.
    public func outbox(limit: Int = 256) throws(StoreError) -> [(sequence: Int64, encoded: [UInt8])] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: """
                        SELECT entry.id, entry.author, entry.kind, entry.rkey, entry.stamp, entry.body,
                               entry.signature, outbox.seq
                        FROM outbox JOIN entry ON entry.id = outbox.entry_id ORDER BY outbox.seq LIMIT ?
                        """,
                    arguments: [limit]
                ).map { row in (row[7] as Int64, try DerivedTables.storedEntry(row).encoded) }
            }
        }
    }

    /// Removes outbox rows up to and including `sequence`, once the node has sent them.
    public func removeFromOutbox(through sequence: Int64) throws(StoreError) {
        try guarded {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM outbox WHERE seq <= ?", arguments: [sequence])
            }
        }
    }
}
