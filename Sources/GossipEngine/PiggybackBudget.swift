/// A byte budget over time for piggybacking on protocol messages other than gossip ticks: pings,
/// acks, relayed pings and forwarded acks (PROTOCOL.md §11.6). Gossip ticks already bound
/// themselves (fanout payloads per interval); without this, a node that many ping at once, as
/// when SWIM suspects it at high loss, answers each with a full payload. Sending may overdraw the
/// budget by one payload; the debt is paid back before piggybacking again.
struct PiggybackBudget: Sendable {
    let bytesPerSecond: Int
    let burst: Int
    /// Thousandths of a byte, so integer refills lose nothing.
    private var milliBytes: Int
    private var updated: UInt64

    init(config: GossipConfig, now: UInt64) {
        bytesPerSecond = max(0, config.piggybackBytesPerSecond)
        burst = max(0, config.piggybackBurstBytes)
        milliBytes = burst * 1000
        updated = now
    }

    /// Whether a payload may carry piggybacked items at `now`.
    mutating func allows(now: UInt64) -> Bool {
        if now > updated {
            let elapsed = Int(min(now - updated, 3_600_000))
            milliBytes = min(burst * 1000, milliBytes + elapsed * bytesPerSecond)
            updated = now
        }
        return milliBytes > 0
    }

    mutating func spend(_ bytes: Int) {
        milliBytes -= bytes * 1000
    }
}
