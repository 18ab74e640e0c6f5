import GossipEngine
import GrapevineCore
import SealedDatagrams

/// Decides which failed sends are logged: at most one line per address per minute, whatever
/// the reason, so a peer that makes this node send to bad addresses cannot flood its log. It
/// remembers a bounded number of addresses; forgetting one only means its next failure is logged.
struct SendFailureLog: Sendable {
    static let intervalMillis: UInt64 = 60_000
    private var lastLogged: BoundedLRU<PeerAddress, UInt64>

    init(capacity: Int = 1024) {
        lastLogged = BoundedLRU(capacity: capacity)
    }

    /// How many addresses it remembers now.
    var count: Int { lastLogged.count }

    /// Whether a failure to send to `address` at `now` is to be logged; if so, it is noted.
    mutating func shouldLog(_ address: PeerAddress, now: UInt64) -> Bool {
        if let last = lastLogged.get(address), now < last + Self.intervalMillis { return false }
        lastLogged.set(address, now)
        return true
    }
}
