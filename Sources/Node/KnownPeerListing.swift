import GrapevineCore

/// The read side of `peers.json` for `grapevine inspect`: the peers this home's node verified,
/// with what its last status snapshot said about each. The snapshot outlives the node, so this
/// works whether or not the node runs.
public struct KnownPeerListing: Sendable, Equatable {
    public var identity: PublicIdentity
    /// The verified address, `ip:port` or `[ip]:port`.
    public var address: String
    /// The member's state in the last snapshot, if the snapshot lists it.
    public var state: String?
    /// Unix milliseconds of the last authenticated datagram from this peer, if any.
    public var lastSeenMillis: UInt64?

    /// The known peers of the node of `home`, sorted by identity; empty if it never verified one.
    public static func read(home: GrapevineHome) -> [KnownPeerListing] {
        let members = NodeStatus.read(home: home)?.members ?? []
        return KnownPeers.load(home: home)
            .sorted { $0.identity < $1.identity }
            .map { peer in
                let member = members.first { $0.id == peer.identity.text }
                return KnownPeerListing(identity: peer.identity, address: "\(peer.address)",
                                        state: member?.state, lastSeenMillis: member?.lastSeenMillis)
            }
    }
}
