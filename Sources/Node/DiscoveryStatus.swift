/// Discovery as `status` and `nearby` show it (`status.json`, key `discovery`): present only
/// while the node runs with `--discover`.
public struct DiscoveryStatus: Codable, Sendable, Equatable {
    /// A node found by its announcement in the last minutes.
    public struct Peer: Codable, Sendable, Equatable {
        public var id: String
        public var fingerprint: String
        public var firstSeenMillis: UInt64
        public var lastSeenMillis: UInt64
        /// The source address of its last announcement.
        public var source: String
    }

    /// `udp/PORT on 239.255.74.74 and ff02::7474`.
    public var groups: String
    /// The interfaces announced on (names); empty when none can multicast.
    public var interfaces: [String]
    public var announcementsSent = 0
    public var announcementsReceived = 0
    public var accepted = 0
    /// Dropped announcements by reason (PROTOCOL.md §17.3).
    public var dropped: [String: Int] = [:]
    /// Announcements not sent, by errno name.
    public var sendFailed: [String: Int] = [:]
    public var nearby: [Peer] = []

    /// The one line `status` prints about it.
    public var line: String {
        let on = interfaces.isEmpty ? "no interface can multicast" : interfaces.joined(separator: ", ")
        let drops = dropped.values.reduce(0, +)
        return "on (\(groups), \(on)): \(nearby.count) nearby, \(accepted) announcements accepted, \(drops) dropped"
    }
}
