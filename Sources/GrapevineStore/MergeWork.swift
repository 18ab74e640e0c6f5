import GrapevineCore

/// What one write transaction changed besides the rows it wrote directly: identities whose
/// search row must be recomputed, counters to add, and the greatest remote stamp to fold
/// into the persisted clock.
struct MergeWork {
    var searchDirty = Set<PublicIdentity>()
    var pruned: Int64 = 0
    var rejections: [RejectionReason: Int64] = [:]
    var observed: HLCStamp?
    /// Time spent inside the merge core, for the ingest benchmark's per-stage figures. Reading a
    /// thread's CPU clock is a system call that would cost a quarter of a merge, so the first
    /// merge of the transaction (the one that may pay for a cold cache) is timed, and of the
    /// rest every ``mergeSampling``-th, which stands for the others.
    var mergeNanos: UInt64 {
        guard merges > 1, timedMerges > 0 else { return firstMergeNanos }
        return firstMergeNanos + sampledMergeNanos * UInt64(merges - 1) / UInt64(timedMerges)
    }
    static let mergeSampling = 16
    private(set) var merges = 0
    private var firstMergeNanos: UInt64 = 0
    private var timedMerges = 0
    private var sampledMergeNanos: UInt64 = 0
    /// The held (id, signature) fingerprints as this transaction changes them, published after
    /// the commit.
    var held: HeldChanges

    init(held: HeldSignatures) {
        self.held = HeldChanges(shared: held)
    }

    /// Runs one merge, timing it when its turn in the sample comes.
    mutating func timeMerge<R>(_ merge: () -> R) -> R {
        defer { merges += 1 }
        let first = merges == 0
        guard first || merges % Self.mergeSampling == Self.mergeSampling / 2 else { return merge() }
        let before = StoreClock.threadCPUNanos()
        let result = merge()
        let spent = StoreClock.threadCPUNanos() - before
        if first {
            firstMergeNanos = spent
        } else {
            sampledMergeNanos += spent
            timedMerges += 1
        }
        return result
    }

    mutating func observe(_ stamp: HLCStamp) {
        if observed.map({ stamp > $0 }) ?? true { observed = stamp }
    }
}

/// A transaction's view of the held fingerprints: the committed set plus what the transaction
/// added and removed, and the ordered changes to publish once it commits.
struct HeldChanges {
    let shared: HeldSignatures
    /// The whole set as read from disk, when the transaction reloaded the store.
    var reloaded: FingerprintSet?
    private(set) var changes: [HeldSignatures.Change] = []
    private var added = Set<UInt64>()
    private var removed = Set<UInt64>()

    init(shared: HeldSignatures) {
        self.shared = shared
    }

    func contains(_ fingerprint: UInt64) -> Bool {
        if added.contains(fingerprint) { return true }
        if removed.contains(fingerprint) { return false }
        return reloaded?.contains(fingerprint) ?? shared.contains(fingerprint)
    }

    mutating func add(_ fingerprint: UInt64) {
        added.insert(fingerprint)
        removed.remove(fingerprint)
        changes.append(.add(fingerprint))
    }

    mutating func remove(_ fingerprint: UInt64) {
        added.remove(fingerprint)
        removed.insert(fingerprint)
        changes.append(.remove(fingerprint))
    }

    /// Makes the committed changes visible to the next duplicate checks.
    func publish() {
        if let reloaded { shared.replace(with: reloaded) }
        shared.apply(changes)
    }
}
