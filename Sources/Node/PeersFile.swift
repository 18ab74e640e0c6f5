import GossipEngine

/// Decides when `peers.json` is written. A join verifies its members one by one, each a change
/// of the list, and a file rewrite apiece made a 32-node join write it 31 times in a second on
/// each node: the first change is written at once, later ones at most once per `spacingMillis`
/// (what changed in between rides along with the next write), and what is still unwritten when
/// the node stops is written then. The list only bootstraps the next start, so a crash loses at
/// most the members verified in the last `spacingMillis`.
///
/// The list itself is built only when a write may happen (`isDue`): a membership change within
/// the spacing only marks it stale, so a burst of changes builds and sorts it once, not once each.
struct PeersFile {
    /// The list as last written (or loaded at the start).
    private(set) var written: [KnownPeer]
    /// The membership changed since the list was last built.
    private(set) var isStale = false
    /// The earliest time the next write may happen.
    private var nextWriteAt: UInt64 = 0
    let spacingMillis: UInt64

    init(loaded: [KnownPeer], spacingMillis: UInt64) {
        written = loaded
        self.spacingMillis = spacingMillis
    }

    /// The membership changed: the list must be built again before the next write.
    mutating func membershipChanged() {
        isStale = true
    }

    /// Whether the list should be built now: it is stale and its turn has come.
    func isDue(now: UInt64) -> Bool { isStale && now >= nextWriteAt }

    /// When the stale list's turn comes, if it is stale.
    var pendingDue: UInt64? { isStale ? nextWriteAt : nil }

    /// Takes the list just built; the list to write now, or nil if it is what was written last.
    /// The caller checks the turn (`isDue`), or does not when the node stops.
    mutating func take(_ peers: [KnownPeer], now: UInt64) -> [KnownPeer]? {
        isStale = false
        guard peers != written else { return nil }
        written = peers
        nextWriteAt = now + spacingMillis
        return peers
    }
}
