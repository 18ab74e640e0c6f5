import GossipEngine

/// Decides when `peers.json` is written. A join verifies its members one by one, each a change
/// of the list, and a file rewrite apiece made a 32-node join write it 31 times in a second on
/// each node: the first change is written at once, later ones at most once per `spacingMillis`
/// (what changed in between rides along with the next write), and what is still unwritten when
/// the node stops is written then. The list only bootstraps the next start, so a crash loses at
/// most the members verified in the last `spacingMillis`.
struct PeersFile {
    /// The list as last written (or loaded at the start).
    private(set) var written: [KnownPeer]
    /// A list that differs from `written` and waits for its turn.
    private var pending: [KnownPeer]?
    /// The earliest time the next write may happen.
    private var nextWriteAt: UInt64 = 0
    let spacingMillis: UInt64

    init(loaded: [KnownPeer], spacingMillis: UInt64) {
        written = loaded
        self.spacingMillis = spacingMillis
    }

    /// Takes the current list; the list to write now, or nil if it is unchanged or must wait.
    mutating func update(_ peers: [KnownPeer], now: UInt64) -> [KnownPeer]? {
        pending = peers == written ? nil : peers
        return due(now: now)
    }

    /// When the waiting list's turn comes, if a list is waiting.
    var pendingDue: UInt64? { pending == nil ? nil : nextWriteAt }

    /// The waiting list, once its turn has come.
    mutating func due(now: UInt64) -> [KnownPeer]? {
        guard now >= nextWriteAt else { return nil }
        return take(now: now)
    }

    /// The waiting list regardless of its turn (the node stops).
    mutating func flush(now: UInt64) -> [KnownPeer]? { take(now: now) }

    private mutating func take(now: UInt64) -> [KnownPeer]? {
        guard let peers = pending else { return nil }
        pending = nil
        written = peers
        nextWriteAt = now + spacingMillis
        return peers
    }
}
