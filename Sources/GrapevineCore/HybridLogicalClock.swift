/// A hybrid logical clock stamp: 48 bits of Unix milliseconds, then a 16-bit counter.
///
/// Stamps order entries for last-writer-wins; the raw value compares as the pair does.
public struct HLCStamp: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public init(millis: UInt64, counter: UInt16) {
        self.rawValue = (millis & Self.maxMillis) << 16 | UInt64(counter)
    }

    public static let maxMillis: UInt64 = (1 << 48) - 1
    public static let zero = HLCStamp(rawValue: 0)

    public var millis: UInt64 { rawValue >> 16 }
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    public static func < (lhs: HLCStamp, rhs: HLCStamp) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "\(millis).\(counter)" }
}

/// A hybrid logical clock (Kulkarni et al.): monotonic even when the wall clock steps back,
/// and ahead of every stamp it has observed within the future tolerance.
///
/// Physical time is passed in, so the clock is a pure value that tests drive by hand.
public struct HybridLogicalClock: Sendable, Equatable {
    /// How far ahead of physical time a remote stamp may be and still be merged into the clock.
    /// Entries beyond it are quarantined by the store rather than merged (PROTOCOL.md, "Clock").
    public static let defaultFutureToleranceMillis: UInt64 = 10 * 60 * 1000

    public private(set) var last: HLCStamp
    public let futureToleranceMillis: UInt64

    public init(last: HLCStamp = .zero, futureToleranceMillis: UInt64 = Self.defaultFutureToleranceMillis) {
        self.last = last
        self.futureToleranceMillis = futureToleranceMillis
    }

    /// A new stamp for a local event, greater than every stamp issued or observed before.
    public mutating func tick(physicalMillis: UInt64) -> HLCStamp {
        let physical = min(physicalMillis, HLCStamp.maxMillis)
        let next: HLCStamp
        if physical > last.millis {
            next = HLCStamp(millis: physical, counter: 0)
        } else if last.counter < UInt16.max {
            next = HLCStamp(millis: last.millis, counter: last.counter + 1)
        } else {
            // Counter exhausted within one millisecond: borrow the next millisecond.
            next = HLCStamp(millis: min(last.millis + 1, HLCStamp.maxMillis), counter: 0)
        }
        last = max(next, last)
        return last
    }

    /// Whether `stamp` lies beyond the future tolerance of `physicalMillis`.
    public func isTooFarAhead(_ stamp: HLCStamp, physicalMillis: UInt64) -> Bool {
        stamp.millis > physicalMillis &+ futureToleranceMillis
    }

    /// Merges a remote stamp so later local stamps exceed it. A stamp beyond the future tolerance
    /// is not merged, so one far-future entry cannot drag the clock ahead; returns whether it merged.
    @discardableResult
    public mutating func observe(_ remote: HLCStamp, physicalMillis: UInt64) -> Bool {
        guard !isTooFarAhead(remote, physicalMillis: physicalMillis) else { return false }
        if remote > last { last = remote }
        return true
    }
}
