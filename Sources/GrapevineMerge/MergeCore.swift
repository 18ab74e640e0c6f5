import Dispatch
import GrapevineCore

/// The deterministic merge of signed entries: a pure state machine with time passed in.
///
/// What it retains is a function of the union of entries merged, never of their order
/// (PROTOCOL.md §9): per (author, kind, replacement key) the greatest entry by (stamp, id)
/// wins; per (author, kind) only the K greatest winners are retained. Entries too far in the
/// future wait in a bounded quarantine until `releaseDue` merges them.
public struct MergeCore: Sendable {
    public let bounds: RetentionBounds
    public let futureToleranceMillis: UInt64

    /// Every retained entry, by slot; slots of pruned entries are reused (`freeSlots`).
    private var slots: [EntryMeta] = []
    private var freeSlots: [Int32] = []
    private var retained: [EntryID: Int32] = [:]
    private var groupIndex: [AuthorKind: Int32] = [:]
    private var groups: [AuthorKindGroup] = []
    private var retainedSum = IDSum.zero
    private var quarantine: Quarantine
    /// Over every held id: retained and quarantined.
    public private(set) var reconciliation = ReconciliationIndex()
    /// The changes to `reconciliation` since they were last taken, while a reader keeps a copy
    /// of its own (``journalIndexChanges()``); nil otherwise.
    private var indexJournal: [ReconciliationIndex.Change]?

    public init(bounds: RetentionBounds = .v2,
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
        _ entries: [EntryMeta], physicalMillis: UInt64, bounds: RetentionBounds = .v2,
        futureToleranceMillis: UInt64 = HybridLogicalClock.defaultFutureToleranceMillis
    ) -> (core: MergeCore, dropped: [EntryID]) {
        let core = restore(retained: entries, quarantined: [], physicalMillis: physicalMillis, bounds: bounds,
                           futureToleranceMillis: futureToleranceMillis).core
        let dropped = entries.map(\.id).filter { !core.isHeld($0) }
        return (core, Array(Set(dropped)).sorted())
    }

    /// Rebuilds a core from the entries a store holds as retained and as quarantined; the result
    /// equals merging `retained` in order and then `quarantined` in order.
    ///
    /// The retained entries that are due are settled in bulk (per (author, kind): last-writer-wins
    /// and the bound, from the entries sorted once), the rest are merged one by one, and the index
    /// is built once. `changed` lists the entries whose fate differs from how they were stored
    /// (a retained entry no longer retained, a quarantined one now due, or one that evicts
    /// another), with their outcome; it is empty when the stored state was consistent.
    public static func restore(
        retained stored: [EntryMeta], quarantined: [EntryMeta], physicalMillis: UInt64,
        bounds: RetentionBounds = .v2,
        futureToleranceMillis: UInt64 = HybridLogicalClock.defaultFutureToleranceMillis
    ) -> (core: MergeCore, changed: [(id: EntryID, result: MergeResult)]) {
        var core = MergeCore(bounds: bounds, futureToleranceMillis: futureToleranceMillis)
        var changed: [(id: EntryID, result: MergeResult)] = []
        var dueIndices: [Int32] = []
        dueIndices.reserveCapacity(stored.count)
        var ahead: [EntryMeta] = []
        for (i, entry) in stored.enumerated() {
            if let fault = entry.fault {
                changed.append((entry.id, MergeResult(outcome: .rejected(fault))))
            } else if core.isTooFarAhead(entry.stamp, physicalMillis: physicalMillis) {
                ahead.append(entry)
            } else {
                dueIndices.append(Int32(i))
            }
        }
        let due = dueIndices
        // The index over every due entry is built on a second thread while the groups are settled
        // on this one; the few entries the groups then drop are taken out of it, and the rest are
        // merged with the index kept up to date as usual.
        let work = RestoreWork(core)
        DispatchQueue.concurrentPerform(iterations: due.count >= Self.parallelRestoreMinimum ? 2 : 1) { part in
            if part == 1 {
                work.index = ReconciliationIndex(due.lazy.map { (stamp: stored[Int($0)].stamp, id: stored[Int($0)].id) })
            } else {
                work.dropped = work.core.retainInBulk(stored, due)
                if due.count < Self.parallelRestoreMinimum {
                    work.index = ReconciliationIndex(due.lazy.map { (stamp: stored[Int($0)].stamp, id: stored[Int($0)].id) })
                }
            }
        }
        core = work.takeCore()
        core.reconciliation = work.index
        for i in work.dropped {
            core.reconciliation.remove(stamp: stored[i].stamp, id: stored[i].id)
            changed.append((stored[i].id, MergeResult(outcome: .superseded)))
        }
        for entry in ahead {
            let result = core.merge(entry, physicalMillis: physicalMillis)
            if result.outcome != .new || !result.evicted.isEmpty { changed.append((entry.id, result)) }
        }
        for entry in quarantined {
            let result = core.merge(entry, physicalMillis: physicalMillis)
            if result.outcome != .quarantined || !result.evicted.isEmpty { changed.append((entry.id, result)) }
        }
        return (core, changed)
    }

    /// From this many stored entries on, `restore` builds the index on a second thread.
    static let parallelRestoreMinimum = 20_000

    /// Retains, into an empty core, what merging `entries[due]` (well formed, due) would retain.
    /// Returns the indices in `entries` of those not retained, ascending; repeated ids count once.
    /// `entries` becomes the slot table as it is (no copy): entry i is retained in slot i, and the
    /// slots of the entries not retained are free.
    private mutating func retainInBulk(_ entries: [EntryMeta], _ due: [Int32]) -> [Int] {
        slots = entries
        var groupOf = [Int32](repeating: 0, count: due.count)
        // Stored entries come mostly author by author: reuse the previous entry's group when it matches.
        var previousGroup: (author: PublicIdentity, kind: EntryKind, number: Int32)?
        for (n, i) in due.enumerated() {
            let author = entries[Int(i)].author
            let kind = entries[Int(i)].kind
            if let previousGroup, previousGroup.kind == kind, previousGroup.author == author {
                groupOf[n] = previousGroup.number
            } else {
                let number = group(author: author, kind: kind)
                groupOf[n] = number
                previousGroup = (author, kind, number)
            }
        }
        // Counting sort of the entries by group, so each group's entries are one contiguous run.
        var start = [Int](repeating: 0, count: groups.count + 1)
        for g in groupOf { start[Int(g) + 1] += 1 }
        for g in 0..<groups.count { start[g + 1] += start[g] }
        var byGroup = [Int32](repeating: 0, count: due.count)
        var fill = start
        for (n, g) in groupOf.enumerated() {
            byGroup[fill[Int(g)]] = due[n]
            fill[Int(g)] += 1
        }
        retained.reserveCapacity(due.count)
        var used = [Bool](repeating: false, count: entries.count)
        var dropped: [Int] = []
        var run: [(key: OrderKey, index: Int32)] = []
        var kept: [Int32] = []
        var seen = Set<[UInt8]>()
        for g in 0..<groups.count {
            run.removeAll(keepingCapacity: true)
            for i in byGroup[start[g]..<start[g + 1]] {
                run.append((OrderKey(stamp: entries[Int(i)].stamp, id: entries[Int(i)].id), i))
            }
            guard let first = run.first else { continue }
            let limit = bounds.limit(for: entries[Int(first.index)].kind)
            let large = run.count > AuthorKindGroup.linearLimit
            // Greatest first: the first entry of each key is its winner, the first `limit` winners are kept.
            run.sort { $0.key > $1.key }
            kept.removeAll(keepingCapacity: true)
            seen.removeAll(keepingCapacity: true)
            var previous: OrderKey?
            for item in run {
                if item.key == previous { continue }
                previous = item.key
                let key = entries[Int(item.index)].replacementKey
                let isWinner = kept.count < limit
                    && (large ? seen.insert(key).inserted : !kept.contains { entries[Int($0)].replacementKey == key })
                if isWinner { kept.append(item.index) } else { dropped.append(Int(item.index)) }
            }
            for slot in kept.reversed() {
                let id = entries[Int(slot)].id
                retained[id] = slot
                retainedSum += IDSum(id)
                groups[g].append(slot, in: slots)
                used[Int(slot)] = true
            }
        }
        freeSlots = used.indices.reversed().filter { !used[$0] }.map { Int32($0) }
        return dropped.sorted()
    }

    // MARK: - Reading

    public func isRetained(_ id: EntryID) -> Bool { retained[id] != nil }

    public func isQuarantined(_ id: EntryID) -> Bool { quarantine.contains(id) }

    /// Retained or quarantined: what reconciliation counts as held.
    public func isHeld(_ id: EntryID) -> Bool { isRetained(id) || isQuarantined(id) }

    /// The retained or quarantined entry with this id.
    public func meta(for id: EntryID) -> EntryMeta? {
        if let slot = retained[id] { return slots[Int(slot)] }
        return quarantine.entries[id]
    }

    public var retainedCount: Int { retained.count }
    public var quarantinedCount: Int { quarantine.count }

    /// The fingerprint of the retained set (quarantined entries excluded), in O(1).
    public var digest: Fingerprint { retainedSum.fingerprint }

    /// The retained ids, sorted by their bytes.
    public var retainedIDs: [EntryID] { retained.keys.sorted() }

    /// Starts recording every change to `reconciliation`, for ``takeIndexChanges()``.
    public mutating func journalIndexChanges() {
        if indexJournal == nil { indexJournal = [] }
    }

    /// The changes to `reconciliation` since the last call, in order: applied to a copy taken
    /// then, they give the index as it is now, without copying the index itself.
    public mutating func takeIndexChanges() -> [ReconciliationIndex.Change] {
        guard let changes = indexJournal else { return [] }
        indexJournal = []
        return changes
    }

    private mutating func indexInsert(_ entry: EntryMeta) {
        reconciliation.insert(stamp: entry.stamp, id: entry.id)
        indexJournal?.append(.insert(entry.stamp, entry.id))
    }

    private mutating func indexRemove(_ entry: EntryMeta) {
        reconciliation.remove(stamp: entry.stamp, id: entry.id)
        indexJournal?.append(.remove(entry.stamp, entry.id))
    }

    /// The quarantined entries in (stamp, id) order: the order `releaseDue` merges them in.
    public var quarantined: [EntryMeta] { quarantine.held }

    /// The physical time from which `releaseDue` has something to release; nil while nothing
    /// is quarantined. Lets a caller skip the call, and whatever it would lock, until then.
    public var nextReleaseMillis: UInt64? {
        quarantine.earliestMillis.map { $0 > futureToleranceMillis ? $0 - futureToleranceMillis : 0 }
    }

    /// The retained winner of one replacement key, if any.
    public func winner(author: PublicIdentity, kind: EntryKind, replacementKey: [UInt8]) -> EntryMeta? {
        guard let g = groupIndex[AuthorKind(author: author, kind: kind)],
              let slot = groups[Int(g)].winner(for: replacementKey, in: slots)
        else { return nil }
        return slots[Int(slot)]
    }

    /// The retained winners of one (author, kind), in ascending (stamp, id) order.
    public func retained(author: PublicIdentity, kind: EntryKind) -> [EntryMeta] {
        guard let g = groupIndex[AuthorKind(author: author, kind: kind)] else { return [] }
        return groups[Int(g)].members.map { slots[Int($0)] }
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
            indexRemove(entry)
            out.append((entry, mergeDue(entry)))
        }
        return out
    }

    private mutating func hold(_ entry: EntryMeta) -> MergeResult {
        let (held, evicted) = quarantine.admit(entry)
        guard held else { return MergeResult(outcome: .superseded) }
        indexInsert(entry)
        for gone in evicted { indexRemove(gone) }
        return MergeResult(outcome: .quarantined, evicted: evicted.map(\.id).sorted())
    }

    /// Last-writer-wins within the replacement key, then the per-(author, kind) bound.
    private mutating func mergeDue(_ entry: EntryMeta) -> MergeResult {
        let limit = bounds.limit(for: entry.kind)
        guard limit > 0 else { return MergeResult(outcome: .superseded) }
        let g = Int(group(author: entry.author, kind: entry.kind))
        let key = OrderKey(entry)
        if let current = groups[g].winner(for: entry.replacementKey, in: slots) {
            let old = slots[Int(current)]
            guard OrderKey(old) < key else { return MergeResult(outcome: .superseded) }
            groups[g].remove(current, in: slots)
            unretain(current)
            let slot = retain(entry)
            groups[g].insert(slot, in: slots)
            return MergeResult(outcome: .new, evicted: [old.id])
        }
        if groups[g].count >= limit, let floor = groups[g].members.first, key < OrderKey(slots[Int(floor)]) {
            return MergeResult(outcome: .superseded)
        }
        let slot = retain(entry)
        groups[g].insert(slot, in: slots)
        var evicted: [EntryID] = []
        while groups[g].count > limit, let smallest = groups[g].members.first {
            evicted.append(slots[Int(smallest)].id)
            groups[g].remove(smallest, in: slots)
            unretain(smallest)
        }
        return MergeResult(outcome: .new, evicted: evicted.sorted())
    }

    /// The number of the (author, kind) group, created empty if it has none yet.
    private mutating func group(author: PublicIdentity, kind: EntryKind) -> Int32 {
        let key = AuthorKind(author: author, kind: kind)
        if let g = groupIndex[key] { return g }
        let g = Int32(groups.count)
        groups.append(AuthorKindGroup())
        groupIndex[key] = g
        return g
    }

    /// Stores `entry` in a slot and counts it as retained; returns the slot.
    private mutating func retain(_ entry: EntryMeta) -> Int32 {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(slot)] = entry
        } else {
            slot = Int32(slots.count)
            slots.append(entry)
        }
        retained[entry.id] = slot
        retainedSum += IDSum(entry.id)
        indexInsert(entry)
        return slot
    }

    private mutating func unretain(_ slot: Int32) {
        let entry = slots[Int(slot)]
        retained.removeValue(forKey: entry.id)
        retainedSum -= IDSum(entry.id)
        indexRemove(entry)
        freeSlots.append(slot)
    }
}

/// The two halves of `MergeCore.restore` that run at once. Each field is written by one thread only,
/// and `concurrentPerform` returns after both finished, so the unsynchronised writes never race.
private final class RestoreWork: @unchecked Sendable {
    var core: MergeCore
    var dropped: [Int] = []
    var index = ReconciliationIndex()

    init(_ core: MergeCore) { self.core = core }

    /// The core, leaving an empty one behind so the caller holds the only reference to its storage.
    func takeCore() -> MergeCore {
        let taken = core
        core = MergeCore(bounds: taken.bounds, futureToleranceMillis: taken.futureToleranceMillis)
        return taken
    }
}
