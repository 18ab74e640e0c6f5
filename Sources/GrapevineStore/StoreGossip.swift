import Foundation
import GRDB
import GrapevineCore
import GrapevineMerge

/// What the running node reads and queues beyond the queries: the held ids for reconciliation,
/// an entry's verbatim bytes, and join requests from `grapevine peer add`.
extension Store {
    /// The held ids (retained and quarantined) ordered by (stamp, id), as of the last commit. A
    /// value: later merges do not change a snapshot already taken, and reading it never waits for
    /// a transaction in progress.
    public var heldIndex: ReconciliationIndex {
        published.read().index
    }

    /// The store digest (fingerprint of the retained set) as of the last commit, read in O(1).
    public var digest: Fingerprint {
        published.read().digest
    }

    /// How many entries were retained at the last commit.
    public var retainedCount: Int {
        published.read().retainedCount
    }

    /// The encoded `SignedEntry` of a held entry, exactly as it arrived; nil if not held.
    public func encodedEntry(_ id: EntryID) -> [UInt8]? {
        let row = try? pool.read { db in
            try Row.fetchOne(db, sql: "SELECT body, signature FROM entry WHERE id = ?", arguments: [Data(id.bytes)])
        }
        guard let row, let body = row["body"] as Data?, let signature = row["signature"] as Data? else { return nil }
        return SignedEntry.envelope(body: [UInt8](body), signature: [UInt8](signature))
    }

    /// Queues a held entry for the node, as if written locally. `peer add` uses it for the invite's
    /// endpoint entry, which tells a running node to join through that peer.
    public func enqueueForNode(_ id: EntryID) throws(StoreError) {
        do {
            try pool.write { db in
                try db.execute(sql: "INSERT INTO outbox (entry_id) VALUES (?)", arguments: [Data(id.bytes)])
            }
        } catch {
            throw .from(error, path: path)
        }
    }
}

extension Store {
    /// The winning entry of `author` for a kind and replacement key, if the store holds one.
    public func latestEntry(author: PublicIdentity, kind: EntryKind, replacementKey: [UInt8]) -> SignedEntry? {
        let id = lock.withLock { core.winner(author: author, kind: kind, replacementKey: replacementKey)?.id }
        guard let id, let bytes = encodedEntry(id) else { return nil }
        return try? SignedEntry.decode(bytes)
    }
}

/// What the gossip engine and the status snapshot read of the merge core, published by the writer
/// after each commit under a lock of its own: a reader never waits on the writer's transaction.
final class PublishedState: @unchecked Sendable {
    // @unchecked: `state` is only touched with `lock` held.
    struct State: Sendable {
        var index = ReconciliationIndex()
        var digest = Fingerprint.empty
        var retainedCount = 0
        /// The `generation` counter this process's last commit wrote.
        var generation: Int64 = -1
        var nextReleaseMillis: UInt64?
    }

    private let lock = NSLock()
    private var state = State()

    func read() -> State {
        lock.withLock { state }
    }

    func publish(_ core: MergeCore, generation: Int64) {
        let fresh = State(index: core.reconciliation, digest: core.digest, retainedCount: core.retainedCount,
                          generation: generation, nextReleaseMillis: core.nextReleaseMillis)
        lock.withLock { state = fresh }
    }
}
