import GossipEngine
import GossipInterpreter
import GrapevineCore
import GrapevineMerge

/// A node's store in memory: a real merge core and the verbatim bytes of what it holds.
public struct SimStore: EntryStore {
    public private(set) var core = MergeCore()
    private var bytes: [EntryID: [UInt8]] = [:]

    public init() {}

    public var reconciliationIndex: ReconciliationIndex { core.reconciliation }

    public func encodedEntry(_ id: EntryID) -> [UInt8]? {
        core.isHeld(id) ? bytes[id] : nil
    }

    public func encodedEntries(_ ids: [EntryID]) -> [[UInt8]] { ids.compactMap(encodedEntry) }

    /// Merges verified entries in order, as the node's store ingests a batch: what it newly holds
    /// to disseminate, and what it holds in quarantine.
    mutating func ingest(_ entries: [SignedEntry], physicalMillis: UInt64) -> IngestCompletion {
        var completion = IngestCompletion()
        for entry in entries {
            switch outcome(ofMerging: entry, physicalMillis: physicalMillis) {
            case .new: completion.merged.append(entry)
            case .quarantined: completion.quarantined.append(entry)
            case .duplicate, .superseded, .rejected: continue
            }
        }
        return completion
    }

    /// Merges a verified entry; returns whether it is newly held (retained or quarantined).
    mutating func merge(_ entry: SignedEntry, physicalMillis: UInt64) -> Bool {
        switch outcome(ofMerging: entry, physicalMillis: physicalMillis) {
        case .new, .quarantined: true
        case .duplicate, .superseded, .rejected: false
        }
    }

    private mutating func outcome(ofMerging entry: SignedEntry, physicalMillis: UInt64) -> MergeOutcome {
        let result = core.merge(EntryMeta(entry), physicalMillis: physicalMillis)
        for id in result.evicted { bytes[id] = nil }
        if result.outcome == .new || result.outcome == .quarantined { bytes[entry.id] = entry.encoded }
        return result.outcome
    }
}
