#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one clock of a process, injected wherever time is read, so a test drives a node by hand.
///
/// Two readings, because they serve different ends: the wall reading (Unix milliseconds) stamps
/// entries and judges what others claim (the future tolerance, freshness), and may jump when the
/// system clock is set; the monotonic reading never goes back, so timers (SWIM probes,
/// suspicion, polls) measure intervals the wall clock's jumps cannot stretch or cut short.
public struct TimeSource: Sendable {
    /// Unix time in milliseconds.
    public let wallMillis: @Sendable () -> UInt64
    /// Nanoseconds since an arbitrary start; never decreases.
    public let monotonicNanos: @Sendable () -> UInt64

    public init(wallMillis: @escaping @Sendable () -> UInt64, monotonicNanos: @escaping @Sendable () -> UInt64) {
        self.wallMillis = wallMillis
        self.monotonicNanos = monotonicNanos
    }

    /// The system's clocks: `CLOCK_REALTIME` and `CLOCK_MONOTONIC`.
    public static let system = TimeSource(
        wallMillis: { Self.read(CLOCK_REALTIME) / 1_000_000 },
        monotonicNanos: { Self.read(CLOCK_MONOTONIC) })

    /// Milliseconds since the monotonic reading's start.
    public var monotonicMillis: UInt64 { monotonicNanos() / 1_000_000 }

    /// This clock with its wall reading moved by `offsetMillis` (never below zero); timers keep
    /// their pace. Test only: a node whose clock runs ahead or behind.
    public func shifted(by offsetMillis: Int64) -> TimeSource {
        guard offsetMillis != 0 else { return self }
        let wall = wallMillis
        return TimeSource(wallMillis: { UInt64(max(0, Int64(clamping: wall()) + offsetMillis)) },
                          monotonicNanos: monotonicNanos)
    }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
