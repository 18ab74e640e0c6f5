import Foundation
import GrapevineMerge

/// What the read model (the gossip engine's held index, the status snapshot's digest and count)
/// reads of the merge core, published by the writer after each commit under a lock of its own: a
/// reader never waits on the writer's transaction.
final class PublishedState: @unchecked Sendable {
    // @unchecked: `state` and `pending` are only touched with `lock` held, `readerTriedLoading`
    // with `loading` held.
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
    /// Index changes committed since the last read, applied to `state.index` by the next one.
    private var pending: [ReconciliationIndex.Change] = []
    /// Pending changes past which the writer hands over a whole copy of the index instead.
    static let pendingLimit = 1 << 16

    /// Whether any transaction has committed: the state is what the store holds, not empty
    /// because nothing has been read yet.
    var isLoaded: Bool {
        lock.withLock { state.generation >= 0 }
    }

    /// Held while a reader rebuilds the state (``Store/loadIfNeededForReading()``): readers that
    /// come meanwhile wait for it rather than read the empty state.
    let loading = NSLock()
    /// Set, with `loading` held, once a reader has tried the rebuild: a store whose rebuild
    /// fails is not read again from disk on every read.
    var readerTriedLoading = false

    /// The state as of the last commit. Brings this copy of the index up to date first: the
    /// reader, not the writer, pays for keeping a copy of the index.
    func read() -> State {
        lock.withLock {
            if !pending.isEmpty {
                state.index.apply(pending)
                pending.removeAll(keepingCapacity: true)
            }
            return state
        }
    }

    /// Publishes a commit. The index travels as the changes the core journaled since the last
    /// commit: handing over the core's own index would make the next merge copy every node of
    /// it, once per batch. `whole` (after the core was rebuilt, or once too many changes wait)
    /// replaces the copy outright.
    func publish(_ core: inout MergeCore, generation: Int64, whole: Bool) {
        let changes = core.takeIndexChanges()
        let replace = whole || lock.withLock { pending.count + changes.count > Self.pendingLimit }
        let index = replace ? core.reconciliation : nil
        lock.withLock {
            if let index {
                state.index = index
                pending.removeAll()
            } else {
                pending += changes
            }
            state.digest = core.digest
            state.retainedCount = core.retainedCount
            state.generation = generation
            state.nextReleaseMillis = core.nextReleaseMillis
        }
    }
}
