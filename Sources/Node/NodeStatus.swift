import Foundation
import GossipEngine
import GrapevineCore

/// What a running node tells `grapevine status`: written to `status.json` in its home (mode 0600)
/// when what it shows changes, and when `status` asks over the node's wake-up socket; the CLI
/// reads the file, so it works whatever the node is doing.
public struct NodeStatus: Codable, Sendable, Equatable {
    /// The protocol version this build speaks (PROTOCOL.md §15.1).
    public static let protocolVersion = GossipConfig.protocolVersion

    /// The engine's `MemberSnapshot` of one member as text, with what only the node knows: when
    /// it last heard from the member and, while it is unreachable, what it tried.
    public struct MemberSnapshot: Codable, Sendable, Equatable {
        public var id: String
        public var fingerprint: String
        public var state: String
        public var incarnation: UInt64
        public var address: String?
        /// For a verified member: `direct`, `punched` when a mutual member's punch opened the path,
        /// or `relayed` through a circuit at a relay (`address` is then the relay's, `#` the circuit).
        public var path: String?
        /// Unix milliseconds of the last authenticated datagram from this member, if any.
        public var lastSeenMillis: UInt64?
        /// For an `unreachable` member only: the addresses pinged without an answer, when the
        /// first of those pings went out, and when the node forgets the member (Unix milliseconds).
        public var tried: [String]?
        public var triedSinceMillis: UInt64?
        public var forgetAtMillis: UInt64?
    }

    /// A peer whose authenticated datagrams speak another protocol version (PROTOCOL.md §15.2).
    public struct OtherVersionPeer: Codable, Sendable, Equatable {
        public var id: String
        public var fingerprint: String
        /// The version its payload states.
        public var version: UInt32
        /// The source address of its last datagram.
        public var address: String
        public var lastSeenMillis: UInt64
    }

    public var pid: Int32
    public var identity: String
    public var listen: String
    public var advertised: [String]
    public var startedMillis: UInt64
    public var writtenMillis: UInt64
    public var members: [MemberSnapshot]
    /// At most 32 peers heard speaking another version, by key; absent in snapshots of older nodes.
    public var otherVersions: [OtherVersionPeer]?
    public var counters: NodeCounters
    public var digest: String
    public var entries: Int
    /// How others reach this node (PROTOCOL.md §11.7); absent in a snapshot of an older node.
    public var reachability: Reachability?
    /// Present while the node runs with `--discover` (PROTOCOL.md §17).
    public var discovery: DiscoveryStatus?
    /// Relaying (PROTOCOL.md §11.9); absent in a snapshot of an older node.
    public var relay: Relay?

    /// A peer named by key.
    public struct Peer: Codable, Sendable, Equatable {
        public var id: String
        public var fingerprint: String
    }

    /// This node as a relay, and its own home relays.
    public struct Relay: Codable, Sendable, Equatable {
        /// The bounds a relay keeps (PROTOCOL.md §11.9.3).
        public struct Bounds: Codable, Sendable, Equatable {
            public var circuitBytesPerSecond: Int
            public var totalBytesPerSecond: Int
            public var circuitsPerMember: Int
            public var maxCircuits: Int
            public var maxReservations: Int
            public var circuitLifetimeMillis: UInt32
        }

        /// `--relay on`: it relays once it is public and confirmed.
        public var enabled: Bool
        /// Whether it relays now.
        public var relaying: Bool
        public var reservations: Int
        public var circuits: Int
        public var framesForwarded: UInt64
        public var bytesForwarded: UInt64
        /// Relay frames dropped, by reason: as a relay, and as an end of a circuit.
        public var drops: [String: Int]
        /// Relays that hold a reservation for this node (behind a symmetric NAT).
        public var homeRelays: [Peer]
        /// Circuits this node holds as an end.
        public var heldCircuits: Int
        public var bounds: Bounds
    }

    /// What the node knows of its reachability, as `status` shows it.
    public struct Reachability: Codable, Sendable, Equatable {
        /// `none`, `unknown`, `public`, `endpoint-independent` or `symmetric`.
        public var nat: String
        public var observed: String?
        public var observers: Int
        public var confirmed: Bool
        public var direct: Int
        public var members: Int

        init(_ reachability: GossipEngine.Reachability) {
            nat = reachability.kind.rawValue
            observed = reachability.observed.map { "\($0)" }
            observers = reachability.observers
            confirmed = reachability.confirmed
            direct = reachability.direct
            members = reachability.members
        }

        /// The one line `status` prints about it, relays by fingerprint.
        public var line: String { line(relays: []) }

        /// The one line `status` prints about it; `relays` names this node's home relays (for a
        /// symmetric node).
        public func line(relays: [String]) -> String {
            let direct = "direct to \(self.direct) of \(members) peers"
            switch nat {
            case "public":
                return confirmed ? "public at \(observed ?? "?")"
                    : "public at \(observed ?? "?")? not confirmed yet: no peer has reached this node unasked"
            case "endpoint-independent":
                return "behind NAT (endpoint-independent): \(direct)"
            case "symmetric":
                return relays.isEmpty ? "behind NAT (symmetric): only public peers can reach this node"
                    : "behind NAT (symmetric): relayed via " + relays.joined(separator: ", ")
            case "unknown":
                return "NAT type unknown (one observer so far, seen at \(observed ?? "?")): \(direct)"
            default:
                return "no peer has answered yet: join with `grapevine peer add INVITE`, and check that UDP reaches this node's port"
            }
        }
    }

    /// Writes the snapshot atomically with mode 0600.
    public func write(home: GrapevineHome) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try home.writeAtomically(try encoder.encode(self), to: .status)
    }

    /// The last snapshot of the node of `home`, or nil if none was ever written.
    public static func read(home: GrapevineHome) -> NodeStatus? {
        guard let data = home.contents(of: .status) else { return nil }
        return try? JSONDecoder().decode(NodeStatus.self, from: data)
    }

    /// Whether the node that wrote this snapshot still runs: it holds the home's lock. Its age
    /// says nothing, since a node writes the snapshot only when what it shows changed.
    public func isLive(home: GrapevineHome) -> Bool {
        HomeLock.holder(home: home) == pid
    }

    /// Asks the running node of `home` for a fresh snapshot and reads it: the first one written
    /// after asking, or after `waitMillis` the last one there is. A snapshot is written when what
    /// it shows changes, so its traffic counters may otherwise be old.
    public static func fresh(home: GrapevineHome, waitMillis: UInt64 = 500) -> NodeStatus? {
        let before = read(home: home)
        guard NodeWakeup.send(.status, home: home) else { return before }
        var waited: UInt64 = 0
        while waited < waitMillis {
            if let status = read(home: home), status.writtenMillis != before?.writtenMillis || status.pid != before?.pid {
                return status
            }
            usleep(10_000)
            waited += 10
        }
        return read(home: home)
    }
}
