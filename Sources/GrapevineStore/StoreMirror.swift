import GRDB
import GrapevineCore
import GrapevineMerge

/// The answers the read model takes from the write core's memory rather than from SQLite: a
/// shortest path over the in-memory mutual-connection graph (a search over arrays, not thousands
/// of lookups), the winner of a replacement key and the merge core's counts. A protocol, so that
/// ``StoreReader`` sees these answers and none of the write core's methods.
protocol StoreMirror: Sendable {
    /// Rebuilds the write core's memory if no transaction has yet (a store opens without it), once;
    /// for reads that cannot report an error.
    func loadIfNeededForReading()
    /// Rebuilds it, or says why it cannot.
    func loadIfNeeded() throws(StoreError)
    /// A shortest path over mutual connections, or nil when there is none.
    func route(from source: PublicIdentity, to target: PublicIdentity) -> SocialGraph.Route?
    /// The id of the retained winner of `author`'s kind and replacement key, if any.
    func winner(author: PublicIdentity, kind: EntryKind, replacementKey: [UInt8]) -> EntryID?
    /// The merge core's retained and quarantined counts and its digest, read together.
    func mergeCounts() -> MergeCounts
}

/// The merge core's counts and digest, read at one moment.
struct MergeCounts: Sendable {
    var retained: Int
    var quarantined: Int
    var digest: Fingerprint
}

/// The write core answers from its merge core and graph, with its lock held, so an answer never
/// sees a transaction half done.
extension Store: StoreMirror {
    /// The read model of this store. Made on each call (a small value) rather than kept, since
    /// it refers back to the store.
    public var reader: StoreReader {
        StoreReader(path: path, database: AnyDatabaseReader(pool), published: published, mirror: self)
    }

    func route(from source: PublicIdentity, to target: PublicIdentity) -> SocialGraph.Route? {
        loadIfNeededForReading()
        return lock.withLock { graph.route(from: source, to: target) }
    }

    func winner(author: PublicIdentity, kind: EntryKind, replacementKey: [UInt8]) -> EntryID? {
        loadIfNeededForReading()
        return lock.withLock { core.winner(author: author, kind: kind, replacementKey: replacementKey)?.id }
    }

    func mergeCounts() -> MergeCounts {
        lock.withLock { MergeCounts(retained: core.retainedCount, quarantined: core.quarantinedCount, digest: core.digest) }
    }
}
