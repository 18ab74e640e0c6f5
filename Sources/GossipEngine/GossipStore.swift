import GrapevineCore
import GrapevineMerge

/// What the engine reads from the node's store: the held ids for reconciliation, an in-memory
/// index. The engine never reads entry bytes (it asks its shell to send them, `sendEntries`)
/// and never writes (it hands entries to the ingest pipeline).
public protocol GossipStore {
    /// The held ids (retained and quarantined), ordered by (stamp, id).
    var reconciliationIndex: ReconciliationIndex { get }
}
