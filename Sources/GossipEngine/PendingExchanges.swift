import GrapevineCore

// The exchanges a `GossipInstance` waits on. They are top-level rather than nested in the generic
// instance, so arrays of them are concrete types: the per-event scans and removals compile to
// specialised code instead of generic metadata lookups and value-witness copies.

/// The probe in progress: one per probe interval.
struct Probe {
    let target: Int
    let sequence: UInt64
    let sentAt: UInt64
    let pingDeadline: UInt64
    let endsAt: UInt64
    var acked = false
    var helpers = 0
    var nacks = 0
    var indirectSent = false
}

/// A ping sent for another node's ping-request: its ack is passed on, its silence nacked.
struct RelayedPing {
    let sequence: UInt64
    let originSequence: UInt64
    let origin: PeerAddress
    let originIdentity: PublicIdentity
    let deadline: UInt64
}

/// A ping to an unverified endpoint address; `punched` when it is a punch probe.
struct Verification {
    let sequence: UInt64
    let member: PublicIdentity
    let address: PeerAddress
    let sentAt: UInt64
    let deadline: UInt64
    let punched: Bool
}
