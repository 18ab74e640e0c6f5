import Foundation
import GrapevineCore

/// Every timing and size the engine uses; the defaults are the ones PROTOCOL.md §11.1 states.
public struct GossipConfig: Sendable, Equatable {
    /// The protocol version this engine speaks, carried in every message (PROTOCOL.md §15.1).
    public static let protocolVersion: UInt32 = 2
    /// Capability bits this engine sets; none are defined in v2, and unknown bits are ignored.
    public static let capabilities: UInt64 = 0
    /// λ: each update is piggybacked λ·⌈log10(n + 1)⌉ times (memberlist's RetransmitMult).
    public static let retransmitMultiplier = 4

    /// One SWIM probe per interval, stretched by the local-health multiplier.
    public var probeIntervalMillis: UInt64 = 1000
    /// How long a direct ping waits for its ack before asking helpers (ping-req).
    public var pingTimeoutMillis: UInt64 = 400
    /// How many helpers a ping-req asks (k).
    public var indirectProbes = 3
    /// Piggybacked updates go out on gossip ticks to `fanout` random verified members.
    public var gossipIntervalMillis: UInt64 = 200
    public var fanout = 3
    /// One reconciliation session with a random live member per interval.
    public var reconciliationIntervalMillis: UInt64 = 1000
    /// While sessions find the sets equal, the wait between them doubles up to this many
    /// intervals; any change brings it back to one (PROTOCOL.md §12.4).
    public var maxReconciliationBackoff = 16
    /// The largest payload the engine sends: what one sealed datagram carries (PROTOCOL.md §10.1).
    public var payloadBudget = Limits.payloadBudget
    /// λ, as above; configurable so benchmarks can print the value they ran with.
    public var retransmitMultiplier = GossipConfig.retransmitMultiplier
    /// Lifeguard suspicion: min = α·max(1, log10 n)·probe interval, max = β·min, and K confirmations
    /// shrink the timeout from max towards min.
    public var suspicionAlpha = 4.0
    public var suspicionBeta = 6.0
    public var suspicionConfirmations = 3
    /// Lifeguard's local-health multiplier saturates at this value.
    public var maxLocalHealth = 8
    /// Forwarding budget: queued entries per author (the greatest by (stamp, id) are kept) and
    /// entries of one author per datagram.
    public var queuedEntriesPerAuthor = 4
    public var entriesPerAuthorPerMessage = 2
    /// Forwarding budget over time: of each other author, this node queues at most this many
    /// entries at once and one per `forwardingMillisPerEntry` after (a token bucket per author,
    /// kept for at most `maxForwardingAuthors` authors).
    public var forwardingBurstPerAuthor = 8
    public var forwardingMillisPerEntry: UInt64 = 1000
    public var maxForwardingAuthors = 4096
    /// Piggybacking on pings, acks, relayed pings and forwarded acks is limited to this many bytes
    /// per second (a token bucket holding at most `piggybackBurstBytes`); gossip ticks are not.
    public var piggybackBytesPerSecond = 8000
    public var piggybackBurstBytes = 2 * Limits.payloadBudget
    /// Bounds on the piggyback queues.
    public var maxQueuedEntries = 256
    public var maxQueuedMemberUpdates = 512
    /// Bound on the member table; dead and left members are evicted first.
    public var maxMembers = 8192
    /// A member this node has not verified itself (no ping to its addresses answered from there)
    /// is forgotten this long after it became known or lost its verified address: about 300
    /// verification pings at the default probe interval (PROTOCOL.md §11.3).
    public var unverifiedTimeoutMillis: UInt64 = 300_000
    /// Behind a NAT, a node sends something to each verified public peer and punched peer at
    /// least this often, so its mappings stay open (RFC 4787 allows mappings as short as 2
    /// minutes, and many home routers time out sooner). 0 turns keepalives off.
    public var keepaliveIntervalMillis: UInt64 = 10_000
    /// Hole punching: probes per punch (DCUtR's 3 attempts), the least time between two punches
    /// toward one member, and how many punches a node holds scheduled.
    public var punchAttempts = 3
    public var punchIntervalMillis: UInt64 = 10_000
    public var maxPendingPunches = 16
    /// Whether this node relays for others once it is public and confirmed (PROTOCOL.md §11.9).
    public var relayEnabled = true
    /// The bounds this node keeps as a relay (§11.9.3).
    public var relayBounds = RelayBounds()
    /// Home relays a node behind a symmetric NAT keeps (§11.9.5).
    public var homeRelays = 2
    /// Observations of this node's address kept, one per observer, newest first.
    public var maxObservations = 16
    /// A ping from an IP this node has not sent to within this long shows it reachable unasked.
    public var confirmationWindowMillis: UInt64 = 180_000
    /// A node not confirmed reachable asks for a dial-back at most this often. 0 never asks.
    public var dialbackIntervalMillis: UInt64 = 60_000
    /// Range-based reconciliation: mismatched ranges split `branching` ways; a range holding at most
    /// `idListThreshold` ids is sent as a list.
    public var reconciliationBranching = 8
    public var idListThreshold = 8
    /// One received frame is answered with at most this many frames; the rest of its span is sent
    /// as one fingerprint range, so answers are bounded.
    public var maxFramesPerAnswer = 4
    /// A session stops after this many rounds; the next session resumes where it matters.
    public var maxReconciliationRounds = 32
    /// The initiator of a session re-sends its unanswered frames and requests after about two
    /// round trips (never sooner than the floor), at most this many times in a row without an
    /// answer (PROTOCOL.md §12.4).
    public var reconciliationResends = 8
    public var minReconciliationRetryMillis: UInt64 = 50
    /// Entries pushed, and ids requested, in answer to one frame or one request.
    public var maxEntriesPerAnswer = 64
    public var maxIdsPerRequest = 32

    /// How far above the held incarnation another node's claim about a member may reach when it
    /// is also beyond the clock (PROTOCOL.md §11.4): nobody can push an incarnation to where it
    /// cannot be outranked.
    public static let maxIncarnationStep: UInt64 = 1 << 16

    /// Whether the node's listen address is a loopback address: only then does it send to
    /// loopback addresses (PROTOCOL.md §11.3). A wildcard listen address is not one.
    public var listensOnLoopback = false

    public init() {}

    /// The number of times an update is piggybacked when the group has `members` members.
    public func retransmitLimit(members: Int) -> Int {
        retransmitMultiplier * Int(log10(Double(members + 1)).rounded(.up))
    }

    /// Lifeguard's suspicion timeout bounds for a group of `members` members, in milliseconds.
    public func suspicionBounds(members: Int) -> (min: UInt64, max: UInt64) {
        let scale = Swift.max(1.0, log10(Double(Swift.max(members, 1))))
        let low = suspicionAlpha * scale * Double(probeIntervalMillis)
        return (UInt64(low), UInt64(low * suspicionBeta))
    }

    /// The suspicion timeout after `confirmations` independent suspicions: it shrinks
    /// logarithmically from max to min as confirmations reach K.
    public func suspicionTimeout(members: Int, confirmations: Int) -> UInt64 {
        let (low, high) = suspicionBounds(members: members)
        let k = Double(Swift.max(suspicionConfirmations, 1))
        let fraction = log(Double(confirmations) + 1) / log(k + 1)
        let timeout = Double(high) - (Double(high) - Double(low)) * Swift.min(1, fraction)
        return Swift.max(low, UInt64(timeout))
    }
}
