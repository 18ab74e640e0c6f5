import GrapevineCore

/// What one write transaction changed besides the rows it wrote directly: identities whose
/// search row must be recomputed, counters to add, and the greatest remote stamp to fold
/// into the persisted clock.
struct MergeWork {
    var searchDirty = Set<PublicIdentity>()
    var pruned: Int64 = 0
    var rejections: [RejectionReason: Int64] = [:]
    var observed: HLCStamp?
    /// Time spent inside the merge core, for the ingest benchmark's per-stage figures.
    var mergeNanos: UInt64 = 0

    mutating func observe(_ stamp: HLCStamp) {
        if observed.map({ stamp > $0 }) ?? true { observed = stamp }
    }
}
