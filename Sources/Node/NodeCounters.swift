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
    /// Datagrams not sent, by reason: the errno the kernel refused them with (`EACCES` …), or
    /// `refused:KIND` for an address a node never sends to (PROTOCOL.md §11.3).
    public var sendFailed: [String: Int] = [:]
    /// Addresses of endpoint entries left out when learned, by kind (`broadcast` …).
    public var addressesIgnored: [String: Int] = [:]
    /// Relay frames dropped by reason (PROTOCOL.md §11.9.1): their header, or at an end.
    public var relayDrops: [String: Int] = [:]
    /// Datagrams that came, and went, through a relay's circuit.
    public var relayedIn = 0
    public var relayedOut = 0

    public init() {}

    /// Reads a snapshot; counters added in later versions may be missing from one written by a
    /// node that started before an upgrade, and count as none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        datagramsIn = try c.decode(Int.self, forKey: .datagramsIn)
        datagramsOut = try c.decode(Int.self, forKey: .datagramsOut)
        bytesIn = try c.decode(Int.self, forKey: .bytesIn)
        bytesOut = try c.decode(Int.self, forKey: .bytesOut)
        drops = try c.decode([String: Int].self, forKey: .drops)
        entries = try c.decode([String: Int].self, forKey: .entries)
        localEntries = try c.decode(Int.self, forKey: .localEntries)
        sendFailed = try c.decodeIfPresent([String: Int].self, forKey: .sendFailed) ?? [:]
        addressesIgnored = try c.decodeIfPresent([String: Int].self, forKey: .addressesIgnored) ?? [:]
        relayDrops = try c.decodeIfPresent([String: Int].self, forKey: .relayDrops) ?? [:]
        relayedIn = try c.decodeIfPresent(Int.self, forKey: .relayedIn) ?? 0
        relayedOut = try c.decodeIfPresent(Int.self, forKey: .relayedOut) ?? 0
    }

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
