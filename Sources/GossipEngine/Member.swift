import GrapevineCore

/// What this node knows about one member: liveness, incarnation, and where to reach it.
///
/// `candidates` come only from the member's own signed endpoint entry; `verified` is set only
/// when a ping to one of them was answered from that address (PROTOCOL.md §11.5).
struct Member: Sendable {
    let identity: PublicIdentity
    var status: MemberStatus
    var incarnation: UInt64
    /// The stamp of the endpoint entry `candidates` came from.
    var endpointStamp: HLCStamp?
    var candidates: [PeerAddress] = []
    var verified: PeerAddress?
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

    var isLive: Bool { !isForgotten && (status == .alive || status == .suspect) }
    /// Probed, gossiped to and asked for help only when live and verified.
    var isReachable: Bool { isLive && verified != nil }
}

/// A peer the shell persisted after this engine verified it, so a restart rejoins without an invite.
public struct KnownPeer: Sendable, Equatable {
    public let identity: PublicIdentity
    public let address: PeerAddress

    public init(identity: PublicIdentity, address: PeerAddress) {
        self.identity = identity
        self.address = address
    }
}
