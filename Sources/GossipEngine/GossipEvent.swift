import GrapevineCore

/// What happens to a node; the shell feeds these to `GossipInstance.handle`.
public enum GossipEvent: Sendable {
    /// A datagram's plaintext payload, its source address, and the sender's key, which the
    /// sealed-datagram layer has authenticated.
    case datagram([UInt8], from: PeerAddress, sender: PublicIdentity)
    /// The time the last `schedule` directive asked for has come (or any later time).
    case tick
    /// The node wrote an entry: disseminate it.
    case localEntry(SignedEntry)
    /// The store newly holds these entries after an `ingest`: disseminate them, learn endpoints.
    case merged([SignedEntry])
    /// The store holds these entries in quarantine (stamped beyond the future tolerance): learn
    /// endpoints from them, so a member whose clock runs ahead stays reachable, but forward
    /// nothing until they are due.
    case quarantined([SignedEntry])
    /// Join through a peer whose signed endpoint entry we hold (from an invite or a restart).
    case join(SignedEntry)
    /// Leave the group: tell peers, then stop probing and gossiping.
    case leave
    /// A relay frame of type 1 (to this node as a relay) on `circuit`, its header checked
    /// (PROTOCOL.md §11.9.1): `forwarded` is the same frame with type 2, `innerSender` the carried
    /// datagram's cleartext sender key, `source` where it came from.
    case relayFrame(forwarded: [UInt8], circuit: UInt64, innerSender: [UInt8], from: PeerAddress)
}

/// What the engine asks its shell to do.
public enum GossipDirective: Sendable, Equatable {
    /// Seal `payload` for `recipient` and send it to `address`.
    case send([UInt8], to: PeerAddress, recipient: PublicIdentity)
    /// Send the held entries among these ids to `address` for `recipient`, after what `first`
    /// already holds, packed by `GossipMessage.entryPayloads`: the shell reads them from its store
    /// (skipping ids no longer held), outside the engine call.
    case sendEntries([EntryID], to: PeerAddress, recipient: PublicIdentity, after: GossipMessage)
    /// Deliver `.tick` at this time (Unix milliseconds). Replaces any earlier schedule.
    case schedule(at: UInt64)
    /// Verify and merge these encoded entries, received from `sender`; report new ones with `.merged`.
    case ingest([[UInt8]], from: PublicIdentity)
    /// A member changed state, as this node sees it.
    case membershipChanged(MemberSnapshot)
    /// The payload of an authenticated datagram from `sender`, arrived from `source`, was dropped unread: count it, and when
    /// it speaks another protocol version, tell the user who does (PROTOCOL.md §15.2).
    case refused(GossipDecodeError, from: PeerAddress, sender: PublicIdentity)
    /// Sign a new endpoint entry that lists this observed address beside the interface and
    /// forwarded ones (nil: none), and feed it back as `.localEntry` (PROTOCOL.md §11.7).
    case publishObserved(PeerAddress?)
    /// As a relay: send this relay frame (type 2, otherwise the bytes received) to `address`.
    case forward([UInt8], to: PeerAddress)
    /// Sign a new endpoint entry that lists these relay addresses (kind 2, origin 4) after the
    /// other addresses (empty: none), and feed it back as `.localEntry` (PROTOCOL.md §11.9.5).
    case publishRelays([NodeAddress])
}

/// A member's liveness as this node believes it (SWIM with Lifeguard).
public enum MemberStatus: UInt32, Sendable, Equatable, Comparable, CustomStringConvertible {
    case alive = 1
    case suspect = 2
    case dead = 3
    case left = 4

    public static func < (lhs: MemberStatus, rhs: MemberStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .alive: "alive"
        case .suspect: "suspect"
        case .dead: "dead"
        case .left: "left"
        }
    }
}

/// What this node holds of one member at a moment (docs/GLOSSARY.md): `member` is `status` at
/// `incarnation`; `verified` is the address gossip uses, once a ping to it has been answered from
/// there. The engine lists them (`GossipInstance.membership`) and reports each change of one
/// (`.membershipChanged`).
public struct MemberSnapshot: Sendable, Equatable {
    public let member: PublicIdentity
    public let status: MemberStatus
    public let incarnation: UInt64
    public let verified: PeerAddress?
    /// How the verified address was found: directly, or by a punch.
    public let path: MemberPath

    public init(member: PublicIdentity, status: MemberStatus, incarnation: UInt64, verified: PeerAddress?,
                path: MemberPath = .direct) {
        self.member = member
        self.status = status
        self.incarnation = incarnation
        self.verified = verified
        self.path = path
    }
}

extension MemberSnapshot {
    /// How this node reports the member to its user: `alive` or `suspect` only once it has
    /// verified the member itself; a live member it has not verified is `unreachable`, whatever
    /// others claim (PROTOCOL.md §11.4).
    public var report: MemberReport {
        switch status {
        case .alive: verified == nil ? .unreachable : .alive
        case .suspect: verified == nil ? .unreachable : .suspect
        case .dead: .dead
        case .left: .left
        }
    }
}

/// A member's state as a node shows it to its user.
public enum MemberReport: String, Sendable, Equatable {
    case alive, suspect, unreachable, dead, left
}

/// What a node has tried towards verifying a member it has not verified: the addresses pinged
/// so far, when the first of those pings went out (nil: none yet), and when the member is
/// forgotten unless it answers (Unix milliseconds).
public struct VerificationAttempts: Sendable, Equatable {
    public let member: PublicIdentity
    public let addresses: [PeerAddress]
    public let firstTriedAt: UInt64?
    public let forgetAt: UInt64

    public init(member: PublicIdentity, addresses: [PeerAddress], firstTriedAt: UInt64?, forgetAt: UInt64) {
        self.member = member
        self.addresses = addresses
        self.firstTriedAt = firstTriedAt
        self.forgetAt = forgetAt
    }
}
