import GrapevineCore

/// What this node knows about one member: liveness, incarnation, and where to reach it.
///
/// `candidates` come only from the member's own signed endpoint entry; `verified` is set only
/// when a ping to one of them was answered from that address (PROTOCOL.md §11.5).
struct Member: Sendable {
    let identity: PublicIdentity
    var status: MemberStatus
    var incarnation: UInt64
    /// The stamp of the endpoint entry `advertised` came from.
    var endpointStamp: HLCStamp?
    /// The UDP addresses of that entry, with their origins.
    var advertised: [NodeAddress] = []
    /// The addresses this node tries, in order: those of `advertised` it can use from where it
    /// is (PROTOCOL.md §5.4), recomputed when this node's observed address changes.
    var candidates: [PeerAddress] = []
    /// The source address the member's datagrams came from when that is none of its
    /// candidates (it sits behind a NAT): tried first, verified here only, never gossiped.
    var reflexive: PeerAddress?
    var verified: PeerAddress?
    /// The relays its endpoint lists (relay addresses, PROTOCOL.md §11.9.5): where a circuit to it
    /// can be opened.
    var relays: [PublicIdentity] = []
    /// When this node last tried a UDP address of it while its path is relayed (§11.9.7).
    var lastUpgradeAt: UInt64?
    /// How the verified address was found.
    var path: MemberPath = .direct
    /// The last round trip of a ping to it, for timing punches.
    var roundTripMillis: UInt64?
    /// When this node last sent it anything at its verified address (keepalive).
    var lastSentAt: UInt64 = 0
    /// When this node last asked a mutual member to coordinate a punch toward it.
    var lastPunchAt: UInt64?
    /// When this node last sent punch probes to it (one punch per punch interval).
    var lastPunchProbeAt: UInt64?
    var nextCandidate = 0
    var lastVerificationAt: UInt64?
    var suspicionStart: UInt64 = 0
    var suspicionDeadline: UInt64 = 0
    /// Distinct nodes that suspect it at this incarnation; the first is the original reporter.
    var suspectors: [PublicIdentity] = []
    /// The greatest incarnation the member itself has reported (in a datagram it sent).
    var selfReported: UInt64?
    /// Since when the member has had no verified address (it was learned, or a newer endpoint
    /// dropped the verified one): it is forgotten `GossipConfig.unverifiedTimeoutMillis` later.
    var unverifiedSince: UInt64
    /// When the first verification ping of that time went out, for telling the user how long it
    /// has gone unanswered.
    var firstTriedAt: UInt64?
    /// Forgotten after going unverified too long (PROTOCOL.md §11.3): not reported, claimed
    /// about, pinged or counted, and taken up again only when the member itself sends a datagram
    /// or signs a newer endpoint. Its slot is given up first for a new member.
    var isForgotten = false

    init(identity: PublicIdentity, status: MemberStatus, incarnation: UInt64, unverifiedSince: UInt64) {
        self.identity = identity
        self.status = status
        self.incarnation = incarnation
        self.unverifiedSince = unverifiedSince
    }

    /// Every address a ping from this node may verify: candidates and the reflexive one.
    func mayVerify(_ address: PeerAddress) -> Bool { address == reflexive || candidates.contains(address) }

    /// Whether its current path goes through a relay.
    var isRelayed: Bool { verified?.isRelayed ?? false }

    var isLive: Bool { !isForgotten && (status == .alive || status == .suspect) }
    /// Probed, gossiped to and asked for help only when live and verified.
    var isReachable: Bool { isLive && verified != nil }
}

/// How this node reaches a member it verified: directly at an address the member listed or
/// sent from, through a hole punched with a mutual member's help (PROTOCOL.md §11.8), or through
/// a circuit at one of its relays (§11.9).
public enum MemberPath: String, Sendable, Equatable {
    case direct, punched, relayed
}

/// A peer (docs/GLOSSARY.md): another node, by its identity and the address this node verified
/// for it. The shell saves them (`peers.json`) so a restart rejoins without an invite.
public struct KnownPeer: Sendable, Equatable {
    public let identity: PublicIdentity
    public let address: PeerAddress

    public init(identity: PublicIdentity, address: PeerAddress) {
        self.identity = identity
        self.address = address
    }
}
