import GrapevineCore

/// A circuit this node holds at a relay as one of its two ends (PROTOCOL.md §11.9.2): the relay
/// path to `peer` is the relay's address with the circuit id.
struct HeldCircuit: Sendable {
    let relay: PublicIdentity
    /// The relay's verified address when the circuit was told: frames on it go there, and come
    /// only from there.
    let relayAddress: PeerAddress
    let peer: PublicIdentity
    var id: UInt64
    /// Whether this node opened it with `connect`: then it renews it while it uses it.
    let opened: Bool
    var expires: UInt64
    /// When this node last sent `connect` for it.
    var renewedAt: UInt64
    var lifetime: UInt64
    /// When a ping on it was last acked by the peer: a verified relay path (§11.9.6).
    var verifiedAt: UInt64?
    /// The last round trip measured on it, two legs through the relay.
    var roundTripMillis: UInt64?

    var path: PeerAddress { PeerAddress(ip: relayAddress.ip, port: relayAddress.port, circuit: id) }

    /// Whether `address` is this circuit's path, without building it: the id first, since a
    /// node holds a circuit for each peer of each relayed member and this runs per datagram.
    func isPath(_ address: PeerAddress) -> Bool {
        address.circuit == id && address.port == relayAddress.port && address.ip == relayAddress.ip
    }
}

/// A home relay of a node behind a symmetric NAT (§11.9.5): asked for a reservation, or holding one.
struct HomeRelay: Sendable {
    let relay: PublicIdentity
    /// The relay's verified address, where the reservation was asked.
    let address: PeerAddress
    /// When the reservation lapses; nil until the relay has accepted.
    var reservedUntil: UInt64?
    /// When the `reserve` still unanswered went out; nil once answered.
    var askedAt: UInt64?
    var renewAt: UInt64 = .max
}

/// A `connect` this node sent: its answer is taken, and no other is sent for the pair before `retryAt`.
struct ConnectAttempt: Sendable {
    let relay: PublicIdentity
    let peer: PublicIdentity
    var retryAt: UInt64
}

/// Everything of §11.9 one node keeps: the relay table when it relays, its home relays when it
/// is behind a symmetric NAT, and the circuits it holds as an end.
struct RelayState: Sendable {
    var table: RelayTable?
    var circuits: [HeldCircuit] = []
    var homes: [HomeRelay] = []
    /// Relays that refused a reservation (or left it unanswered), not asked again before then.
    var refusedUntil: [PublicIdentity: UInt64] = [:]
    var connects: [ConnectAttempt] = []
    /// Connects sent to each relay in the current probe interval: a relay acts on `fanout`.
    var connectsSent: [PublicIdentity: Int] = [:]
    var connectWindowEnds: UInt64 = 0
    /// The relay addresses this node last asked to publish.
    var published: [NodeAddress] = []
    /// Relay frames this node dropped as a relay, by reason (PROTOCOL.md §11.9.1).
    var drops: [String: Int] = [:]
}

/// What a node shows of §11.9 to its user: its relay role's load and its own home relays.
public struct RelayStatus: Sendable, Equatable {
    /// Whether it relays for others now (public, confirmed, not turned off).
    public let relaying: Bool
    public let reservations: Int
    public let circuits: Int
    public let framesForwarded: UInt64
    public let bytesForwarded: UInt64
    /// Relay frames dropped as a relay, by reason.
    public let drops: [String: Int]
    /// The relays holding a reservation for this node, in the order they were taken.
    public let homeRelays: [PublicIdentity]
    /// Circuits this node holds as an end.
    public let heldCircuits: Int
}
