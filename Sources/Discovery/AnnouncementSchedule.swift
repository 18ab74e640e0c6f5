/// When this node announces itself (PROTOCOL.md §17.1): once at start, then every interval, never
/// faster whatever asks; the shell sends each announcement once on every multicast interface.
public struct AnnouncementSchedule: Sendable, Equatable {
    public static let defaultIntervalMillis: UInt64 = 5000
    public let intervalMillis: UInt64
    public private(set) var nextMillis: UInt64

    public init(intervalMillis: UInt64 = defaultIntervalMillis, startMillis: UInt64) {
        self.intervalMillis = max(1000, intervalMillis)
        nextMillis = startMillis
    }

    /// Whether an announcement is due now; if so, the next one is one interval later.
    public mutating func take(nowMillis: UInt64) -> Bool {
        guard nowMillis >= nextMillis else { return false }
        nextMillis = nowMillis + intervalMillis
        return true
    }
}
