import GrapevineCore

/// The deterministic merge of signed entries: a pure state machine with time passed in.
///
/// What it retains is a function of the union of entries merged, never of their order
/// (notes/merge-rules.md): per (author, kind, replacement key) the greatest entry by (stamp, id)
/// wins; per (author, kind) only the K greatest winners are retained. Entries too far in the
/// future wait in a bounded quarantine until `releaseDue` merges them.
public struct MergeCore: Sendable {
    public let bounds: RetentionBounds
    public let futureToleranceMillis: UInt64

    private var groups: [AuthorKind: AuthorKindGroup] = [:]
    private var retained: [EntryID: EntryMeta] = [:]
    private var retainedSum = IDSum.zero
    private var quarantine: Quarantine
    /// Over every held id: retained and quarantined.
    public private(set) var reconciliation = ReconciliationIndex()
    /// False only while `restore` merges stored entries; it builds the index once at the end.
    private var indexing = true

    public init(bounds: RetentionBounds = .v1,
                futureToleranceMillis: UInt64 = HybridLogicalClock.defaultFutureToleranceMillis) {
        self.bounds = bounds
        self.futureToleranceMillis = futureToleranceMillis
        self.quarantine = Quarantine(perAuthor: bounds.quarantinePerAuthor, total: bounds.quarantineTotal)
    }

    /// Rebuilds a core from stored entries (retained and quarantined) without re-verifying them,
    /// building the reconciliation index in one pass rather than entry by entry. `dropped` lists,
    /// sorted, the given ids that end up not held (none unless the stored set was inconsistent, for
    /// example after the bounds changed); the store deletes them.
    public static func restore(
        _ entries: [EntryMeta], physicalMillis: UInt64, bounds: RetentionBounds = .v1,
        futureToleranceMillis: UInt64 = HybridLogicalClock.defaultFutureToleranceMillis
    ) -> (core: MergeCore, dropped: [EntryID]) {
        var core = MergeCore(bounds: bounds, futureToleranceMillis: futureToleranceMillis)
        core.indexing = false
        for entry in entries { _ = core.merge(entry, physicalMillis: physicalMillis) }
        let held = core.retained.values.map { (stamp: $0.stamp, id: $0.id) }
            + core.quarantine.held.map { (stamp: $0.stamp, id: $0.id) }
        core.reconciliation = ReconciliationIndex(held)
        core.indexing = true
        let dropped = entries.map(\.id).filter { !core.isHeld($0) }
        return (core, Array(Set(dropped)).sorted())
    }

    // MARK: - Reading

    public func isRetained(_ id: EntryID) -> Bool { retained[id] != nil }

    public func isQuarantined(_ id: EntryID) -> Bool { quarantine.contains(id) }

    /// Retained or quarantined: what reconciliation counts as held.
    public func isHeld(_ id: EntryID) -> Bool { isRetained(id) || isQuarantined(id) }

    /// The retained or quarantined entry with this id.
    public func meta(for id: EntryID) -> EntryMeta? { retained[id] ?? quarantine.entries[id] }

    public var retainedCount: Int { retained.count }
    public var quarantinedCount: Int { quarantine.count }

    /// The fingerprint of the retained set (quarantined entries excluded), in O(1).
    public var digest: Fingerprint { retainedSum.fingerprint }

    /// The retained ids, sorted by their bytes.
    public var retainedIDs: [EntryID] { retained.keys.sorted() }

    /// The quarantined entries in (stamp, id) order: the order `releaseDue` merges them in.
    public var quarantined: [EntryMeta] { quarantine.held }

    /// The retained winner of one replacement key, if any.
    public func winner(author: PublicIdentity, kind: EntryKind, replacementKey: [UInt8]) -> EntryMeta? {
        groups[AuthorKind(author: author, kind: kind)]?.winners[replacementKey]
    }

    /// The retained winners of one (author, kind), in ascending (stamp, id) order.
    public func retained(author: PublicIdentity, kind: EntryKind) -> [EntryMeta] {
        guard let group = groups[AuthorKind(author: author, kind: kind)] else { return [] }
        return group.order.compactMap { retained[$0.id] }
    }

    /// Whether an entry stamped `stamp` is beyond the future tolerance at `physicalMillis`.
    public func isTooFarAhead(_ stamp: HLCStamp, physicalMillis: UInt64) -> Bool {
        stamp.millis > dueLimit(physicalMillis)
    }

    private func dueLimit(_ physicalMillis: UInt64) -> UInt64 {
        let (limit, overflow) = physicalMillis.addingReportingOverflow(futureToleranceMillis)
        return overflow ? .max : limit
    }

    // MARK: - Merging

    /// Merges one entry and reports its outcome and the held entries it prunes.
    public mutating func merge(_ entry: EntryMeta, physicalMillis: UInt64) -> MergeResult {
        if let fault = entry.fault { return MergeResult(outcome: .rejected(fault)) }
        if isHeld(entry.id) { return MergeResult(outcome: .duplicate) }
        guard !isTooFarAhead(entry.stamp, physicalMillis: physicalMillis) else { return hold(entry) }
        return mergeDue(entry)
    }

    /// Re-checks quarantined entries as time passes; merges the ones now due, in (stamp, id) order.
    /// A released entry's own id is never in `evicted`: `.superseded` means it is dropped.
    public mutating func releaseDue(physicalMillis: UInt64) -> [(entry: EntryMeta, result: MergeResult)] {
        let due = quarantine.takeDue(upToMillis: dueLimit(physicalMillis))
        var out: [(entry: EntryMeta, result: MergeResult)] = []
        out.reserveCapacity(due.count)
        for entry in due {
            reconciliation.remove(stamp: entry.stamp, id: entry.id)
            out.append((entry, mergeDue(entry)))
        }
        return out
    }

    private mutating func hold(_ entry: EntryMeta) -> MergeResult {
        let (held, evicted) = quarantine.admit(entry)
        guard held else { return MergeResult(outcome: .superseded) }
        if indexing {
            reconciliation.insert(stamp: entry.stamp, id: entry.id)
            for gone in evicted { reconciliation.remove(stamp: gone.stamp, id: gone.id) }
        }
        return MergeResult(outcome: .quarantined, evicted: evicted.map(\.id).sorted())
    }

    /// Last-writer-wins within the replacement key, then the per-(author, kind) bound.
    private mutating func mergeDue(_ entry: EntryMeta) -> MergeResult {
        let groupKey = AuthorKind(author: entry.author, kind: entry.kind)
        let limit = bounds.limit(for: entry.kind)
        guard limit > 0 else { return MergeResult(outcome: .superseded) }
        var group = groups[groupKey] ?? AuthorKindGroup()
        let key = OrderKey(entry)
        if let current = group.winners[entry.replacementKey] {
            guard OrderKey(current) < key else { return MergeResult(outcome: .superseded) }
            group.remove(current)
            unretain(current)
            group.insert(entry)
            retain(entry)
            groups[groupKey] = group
            return MergeResult(outcome: .new, evicted: [current.id])
        }
        if group.count >= limit, let floor = group.order.first, key < floor {
            return MergeResult(outcome: .superseded)
        }
        group.insert(entry)
        retain(entry)
        var evicted: [EntryID] = []
        while group.count > limit, let smallest = group.order.first, let gone = retained[smallest.id] {
            group.remove(gone)
            unretain(gone)
            evicted.append(gone.id)
        }
        groups[groupKey] = group
        return MergeResult(outcome: .new, evicted: evicted.sorted())
    }

    private mutating func retain(_ entry: EntryMeta) {
        retained[entry.id] = entry
        retainedSum += IDSum(entry.id)
        if indexing { reconciliation.insert(stamp: entry.stamp, id: entry.id) }
    }

    private mutating func unretain(_ entry: EntryMeta) {
        retained.removeValue(forKey: entry.id)
        retainedSum -= IDSum(entry.id)
        if indexing { reconciliation.remove(stamp: entry.stamp, id: entry.id) }
    }
}
