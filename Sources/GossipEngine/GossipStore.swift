import GrapevineCore
import GrapevineMerge

/// What the engine reads from the node's store: the held ids for reconciliation and the verbatim
/// bytes of an entry to send. The engine never writes: it hands entries to the ingest pipeline.
public protocol GossipStore {
    /// The held ids (retained and quarantined), ordered by (stamp, id).
    var reconciliationIndex: ReconciliationIndex { get }
    /// The encoded `SignedEntry` of a held entry, or nil if it is not held (pruned, superseded).
    func encodedEntry(_ id: EntryID) -> [UInt8]?
}
