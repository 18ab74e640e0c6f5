import Foundation
import GrapevineCore

/// Renders stamps for people and for vCard `REV`.
public enum StampText {
    /// The stamp's wall-clock part as `2025-06-15 14:02:11Z`.
    public static func human(_ stamp: HLCStamp) -> String {
        format(stamp, "yyyy-MM-dd HH:mm:ss'Z'")
    }

    /// The stamp as a vCard timestamp in basic format, `20250615T140211Z`.
    public static func vCardTimestamp(_ stamp: HLCStamp) -> String {
        format(stamp, "yyyyMMdd'T'HHmmss'Z'")
    }

    private static func format(_ stamp: HLCStamp, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: Date(timeIntervalSince1970: Double(stamp.millis) / 1000))
    }
}
