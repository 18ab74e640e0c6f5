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

    /// Parses the store's `millis.counter` text form.
    public static func parse(_ text: String) -> HLCStamp? {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let millis = UInt64(parts[0]), let counter = UInt16(parts[1]),
              millis <= HLCStamp.maxMillis
        else { return nil }
        return HLCStamp(millis: millis, counter: counter)
    }

    /// `human` of the store's text form, or the text itself if it does not parse.
    public static func human(_ text: String) -> String {
        parse(text).map { human($0) } ?? text
    }

    private static func format(_ stamp: HLCStamp, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: Date(timeIntervalSince1970: Double(stamp.millis) / 1000))
    }
}
