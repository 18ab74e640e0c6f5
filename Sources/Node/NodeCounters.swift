import GossipEngine
import GrapevineMerge
import SealedDatagrams

/// The node's counters: traffic, drops by reason, entries by merge outcome.
public struct NodeCounters: Codable, Sendable, Equatable {
    public var datagramsIn = 0
    public var datagramsOut = 0
    public var bytesIn = 0
    public var bytesOut = 0
    /// Dropped datagrams by `DatagramDrop` reason, `old-version` for an earlier version's datagram or
    /// payload, and the `GossipDecodeError` code of any other payload the engine refused.
    public var drops: [String: Int] = [:]
    /// Received entries by merge outcome: new, duplicate, superseded, quarantined, or the rejection reason.
    public var entries: [String: Int] = [:]
    /// Entries this node wrote (from the outbox) and sent on.
    public var localEntries = 0

    public init() {}

    mutating func drop(_ reason: String) {
        drops[reason, default: 0] += 1
    }

    mutating func entry(_ outcome: MergeOutcome) {
        let name: String
        switch outcome {
        case .new: name = "new"
        case .duplicate: name = "duplicate"
        case .superseded: name = "superseded"
        case .quarantined: name = "quarantined"
        case .rejected(let reason): name = "rejected:" + reason.rawValue
        }
        entries[name, default: 0] += 1
    }
}
