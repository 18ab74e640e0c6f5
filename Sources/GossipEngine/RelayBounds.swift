/// The bounds a relay keeps (PROTOCOL.md §11.9.3). Local policy, like the rate limits of §10.5: a
/// relay states its circuit lifetime and rate in each answer, and the ends renew at half of it.
public struct RelayBounds: Sendable, Equatable {
    public var reservationLifetimeMillis: UInt32 = 600_000
    public var maxReservations = 128
    public var circuitLifetimeMillis: UInt32 = 600_000
    /// Circuits one member may have at this relay, as either end.
    public var circuitsPerMember = 1024
    public var maxCircuits = 8192
    /// Each direction of each circuit.
    public var circuitBytesPerSecond = 4096
    public var circuitBurstBytes = 16384
    /// Every frame the relay forwards.
    public var totalBytesPerSecond = 131_072
    public var totalBurstBytes = 262_144
    /// `fanout` connects per requester per probe interval (§11.9.2).
    public var connectsPerWindow = 3
    public var connectWindowMillis: UInt64 = 1000

    public init() {}
}

/// A token bucket of bytes on injected time. A frame passes only if the whole of it fits, so what
/// a relay forwards never exceeds the rate plus the burst.
struct ByteBucket: Sendable {
    let bytesPerSecond: Int
    let burst: Int
    /// Thousandths of a byte, so integer refills lose nothing.
    private var milliBytes: Int
    private var updated: UInt64

    init(bytesPerSecond: Int, burst: Int, now: UInt64) {
        self.bytesPerSecond = max(0, bytesPerSecond)
        self.burst = max(0, burst)
        milliBytes = self.burst * 1000
        updated = now
    }

    private mutating func refill(now: UInt64) {
        guard now > updated else { return }
        let elapsed = Int(min(now - updated, 3_600_000))
        milliBytes = min(burst * 1000, milliBytes + elapsed * bytesPerSecond)
        updated = now
    }

    /// Whether anything could pass at `now`.
    mutating func hasRoom(now: UInt64) -> Bool {
        refill(now: now)
        return milliBytes > 0
    }

    /// Takes `bytes` if they all fit.
    mutating func take(_ bytes: Int, now: UInt64) -> Bool {
        refill(now: now)
        guard milliBytes >= bytes * 1000 else { return false }
        milliBytes -= bytes * 1000
        return true
    }
}
