import GrapevineCore

/// What this node has learned about how others reach it (PROTOCOL.md §11.7).
public struct Reachability: Sendable, Equatable {
    /// How this node's NAT, if any, maps its datagrams, from what its verified peers observe.
    public enum Kind: String, Sendable, Equatable {
        /// No verified peer has told this node where it sees it yet.
        case none
        /// One observer (or several at one IP): not enough to tell.
        case unknown
        /// Observers at two or more IPs see one of this node's own interface addresses.
        case `public`
        /// Observers at two or more IPs all see one address that is not this node's own.
        case endpointIndependent = "endpoint-independent"
        /// Observers at different IPs see different addresses: a new mapping per destination.
        case symmetric
    }

    public let kind: Kind
    /// The address the observers agree on (for `unknown`, the one observer's), else nil.
    public let observed: PeerAddress?
    /// Observers at distinct IPs.
    public let observers: Int
    /// Whether a ping has come unasked (from an IP this node had not sent to within the
    /// confirmation window) from a public IP outside its own subnets (PROTOCOL.md §11.7).
    public let confirmed: Bool
    /// Live members this node has verified, and live members it knows.
    public let direct: Int
    public let members: Int

    public init(kind: Kind, observed: PeerAddress?, observers: Int, confirmed: Bool, direct: Int, members: Int) {
        self.kind = kind
        self.observed = observed
        self.observers = observers
        self.confirmed = confirmed
        self.direct = direct
        self.members = members
    }
}

/// One verified peer's report of where it saw this node's datagrams come from.
struct Observation: Sendable {
    let observer: PublicIdentity
    let observerIP: [UInt8]
    let observed: PeerAddress
    let at: UInt64
}

extension Reachability.Kind {
    /// The classification of a set of observations, newest first, one per observer: two or more
    /// observer IPs are needed to tell endpoint-independent mapping from symmetric (RFC 4787).
    static func classify(_ observations: [Observation], isOwn: (PeerAddress) -> Bool)
        -> (kind: Reachability.Kind, observed: PeerAddress?, observers: Int)
    {
        guard let newest = observations.first else { return (.none, nil, 0) }
        var byIP: [(ip: [UInt8], observed: PeerAddress)] = []
        for observation in observations where !byIP.contains(where: { $0.ip == observation.observerIP }) {
            byIP.append((observation.observerIP, observation.observed))
        }
        guard byIP.count >= 2 else { return (.unknown, newest.observed, byIP.count) }
        let first = byIP[0].observed
        guard byIP.allSatisfy({ $0.observed == first }) else { return (.symmetric, nil, byIP.count) }
        return (isOwn(first) ? .public : .endpointIndependent, first, byIP.count)
    }
}
