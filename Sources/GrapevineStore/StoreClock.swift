#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import GrapevineCore

/// Clock readings for the store's tools and benchmarks; the store itself takes time as an argument.
public enum StoreClock {
    /// Unix time in milliseconds, from the process's one clock (`TimeSource.system`).
    public static func nowMillis() -> UInt64 { TimeSource.system.wallMillis() }

    /// The monotonic clock, in nanoseconds: read without a system call (vDSO).
    public static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// CPU time consumed by the calling thread, in nanoseconds: stage costs stay meaningful
    /// when threads share a core.
    public static func threadCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
