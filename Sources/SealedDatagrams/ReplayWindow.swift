/// Replay protection for one sender in constant memory: its current boot epoch, the highest
/// counter seen in it, and a bitmap of the 64 counters below that.
public struct ReplayWindow: Sendable, Equatable {
    public static let width: UInt64 = 64

    public private(set) var epoch: UInt64
    public private(set) var highest: UInt64
    private var seen: UInt64

    public enum Verdict: Sendable, Equatable {
        case fresh
        case replayed
        /// From an earlier boot of the sender, or too far below the window to tell.
        case stale
    }

    public init(epoch: UInt64, counter: UInt64) {
        self.epoch = epoch
        self.highest = counter
        self.seen = 1
    }

    /// Whether (`epoch`, `counter`) would be accepted, without recording it.
    public func check(epoch: UInt64, counter: UInt64) -> Verdict {
        if epoch < self.epoch { return .stale }
        if epoch > self.epoch || counter > highest { return .fresh }
        let distance = highest - counter
        if distance >= Self.width { return .stale }
        return seen & (1 << distance) != 0 ? .replayed : .fresh
    }

    /// Records an authenticated datagram; returns the verdict it had.
    public mutating func record(epoch: UInt64, counter: UInt64) -> Verdict {
        let verdict = check(epoch: epoch, counter: counter)
        guard verdict == .fresh else { return verdict }
        if epoch > self.epoch {
            self = ReplayWindow(epoch: epoch, counter: counter)
        } else if counter > highest {
            let shift = counter - highest
            seen = shift >= Self.width ? 1 : (seen << shift) | 1
            highest = counter
        } else {
            seen |= 1 << (highest - counter)
        }
        return .fresh
    }
}
