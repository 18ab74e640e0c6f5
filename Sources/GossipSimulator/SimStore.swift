import GossipEngine
import GrapevineCore
import GrapevineMerge

/// A node's store in memory: a real merge core and the verbatim bytes of what it holds.
public struct SimStore: GossipStore {
    public private(set) var core = MergeCore()
    private var bytes: [EntryID: [UInt8]] = [:]

    public init() {}

    public var reconciliationIndex: ReconciliationIndex { core.reconciliation }

    public func encodedEntry(_ id: EntryID) -> [UInt8]? {
        core.isHeld(id) ? bytes[id] : nil
    }

    /// Merges a verified entry; returns whether it is newly held (retained or quarantined).
    mutating func merge(_ entry: SignedEntry, physicalMillis: UInt64) -> Bool {
        let result = core.merge(EntryMeta(entry), physicalMillis: physicalMillis)
        for id in result.evicted { bytes[id] = nil }
        switch result.outcome {
        case .new, .quarantined:
            bytes[entry.id] = entry.encoded
            return true
        case .duplicate, .superseded, .rejected:
            return false
        }
    }
}
