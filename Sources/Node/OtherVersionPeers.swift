import GrapevineCore

/// The peers heard speaking another protocol version, for `status` (PROTOCOL.md §15.2).
///
/// Only verified sender keys enter (the datagram's MAC opened under the key), with the version their
/// authenticated payload states. At most `capacity` are kept: the most recently heard.
struct OtherVersionPeers: Sendable {
    struct Sighting: Sendable, Equatable {
        var identity: PublicIdentity
        var version: UInt32
        var address: String
        var lastSeenMillis: UInt64
    }

    static let capacity = 32

    private(set) var sightings: [Sighting] = []

    /// Records a datagram from `identity`; true when the peer was not listed (the caller logs once per
    /// peer, so a peer that keeps changing the version it states cannot fill the log).
    mutating func note(_ identity: PublicIdentity, version: UInt32, address: String, nowMillis: UInt64) -> Bool {
        let sighting = Sighting(identity: identity, version: version, address: address, lastSeenMillis: nowMillis)
        if let i = sightings.firstIndex(where: { $0.identity == identity }) {
            sightings[i] = sighting
            return false
        }
        if sightings.count >= Self.capacity, let oldest = sightings.indices.min(by: {
            (sightings[$0].lastSeenMillis, sightings[$0].identity) < (sightings[$1].lastSeenMillis, sightings[$1].identity)
        }) {
            sightings.remove(at: oldest)
        }
        sightings.append(sighting)
        return true
    }

    /// The listing for `status.json`, by key.
    var listing: [NodeStatus.OtherVersionPeer] {
        sightings.sorted { $0.identity < $1.identity }.map {
            NodeStatus.OtherVersionPeer(id: $0.identity.text, fingerprint: $0.identity.fingerprint, version: $0.version,
                                        address: $0.address, lastSeenMillis: $0.lastSeenMillis)
        }
    }
}
