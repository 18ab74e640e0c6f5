import GrapevineCore

/// Who was discovered on this network recently, for `grapevine nearby`, and when each may be
/// tried again: one accepted announcement a join, then at most one per `rejoinMillis`.
public struct NearbyTable: Sendable {
    public struct Peer: Sendable, Equatable {
        public let identity: PublicIdentity
        public var firstSeenMillis: UInt64
        public var lastSeenMillis: UInt64
        /// The source address of its last announcement, as text.
        public var source: String
        var lastJoinMillis: UInt64
    }

    /// Listed for this long after the last announcement.
    public let keepMillis: UInt64
    public let rejoinMillis: UInt64
    public let capacity: Int
    private var peers: [Peer] = []

    public init(keepMillis: UInt64 = 600_000, rejoinMillis: UInt64 = 30_000, capacity: Int = 64) {
        self.keepMillis = keepMillis
        self.rejoinMillis = rejoinMillis
        self.capacity = capacity
    }

    /// Records an accepted announcement; returns whether its endpoint should be joined now.
    public mutating func saw(_ identity: PublicIdentity, source: String, nowMillis: UInt64) -> Bool {
        expire(nowMillis: nowMillis)
        if let index = peers.firstIndex(where: { $0.identity == identity }) {
            peers[index].lastSeenMillis = nowMillis
            peers[index].source = source
            guard nowMillis >= peers[index].lastJoinMillis + rejoinMillis else { return false }
            peers[index].lastJoinMillis = nowMillis
            return true
        }
        if peers.count >= capacity, let oldest = peers.indices.min(by: { peers[$0].lastSeenMillis < peers[$1].lastSeenMillis }) {
            peers.remove(at: oldest)
        }
        peers.append(Peer(identity: identity, firstSeenMillis: nowMillis, lastSeenMillis: nowMillis, source: source,
                          lastJoinMillis: nowMillis))
        return true
    }

    /// The peers heard within `keepMillis`, most recently heard first, ties by identity.
    public mutating func listing(nowMillis: UInt64) -> [Peer] {
        expire(nowMillis: nowMillis)
        return peers.sorted { ($0.lastSeenMillis, $1.identity) > ($1.lastSeenMillis, $0.identity) }
    }

    private mutating func expire(nowMillis: UInt64) {
        peers.removeAll { $0.lastSeenMillis + keepMillis < nowMillis }
    }
}
