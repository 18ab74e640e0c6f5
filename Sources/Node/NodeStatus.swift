import Foundation
import GossipEngine
import GrapevineCore

/// What a running node tells `grapevine status`: written to `status.json` in its home every second
/// (mode 0600), so the CLI needs no socket and works whatever the node is doing.
public struct NodeStatus: Codable, Sendable, Equatable {
    public static let fileName = "status.json"
    /// A snapshot older than this means the node is not running.
    public static let staleAfterSeconds: Double = 5
    /// The protocol version this build speaks (PROTOCOL.md §15.1).
    public static let protocolVersion = GossipConfig.protocolVersion

    public struct Member: Codable, Sendable, Equatable {
        public var id: String
        public var fingerprint: String
        public var state: String
        public var incarnation: UInt64
        public var address: String?
        /// Unix milliseconds of the last authenticated datagram from this member, if any.
        public var lastSeenMillis: UInt64?
        /// For an `unreachable` member only: the addresses pinged without an answer, when the
        /// first of those pings went out, and when the node forgets the member (Unix milliseconds).
        public var tried: [String]?
        public var triedSinceMillis: UInt64?
        public var forgetAtMillis: UInt64?
    }

    /// A peer whose authenticated datagrams speak another protocol version (PROTOCOL.md §15.2).
    public struct OtherVersionPeer: Codable, Sendable, Equatable {
        public var id: String
        public var fingerprint: String
        /// The version its payload states.
        public var version: UInt32
        /// The source address of its last datagram.
        public var address: String
        public var lastSeenMillis: UInt64
    }

    public var pid: Int32
    public var identity: String
    public var listen: String
    public var advertised: [String]
    public var startedMillis: UInt64
    public var writtenMillis: UInt64
    public var members: [Member]
    /// At most 32 peers heard speaking another version, by key; absent in snapshots of older nodes.
    public var otherVersions: [OtherVersionPeer]?
    public var counters: NodeCounters
    public var digest: String
    public var entries: Int

    /// Writes the snapshot atomically with mode 0600.
    public func write(home: GrapevineHome) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let path = home.path + "/" + Self.fileName
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// The last snapshot of the node of `home`, or nil if none was ever written.
    public static func read(home: GrapevineHome) -> NodeStatus? {
        guard let data = FileManager.default.contents(atPath: home.path + "/" + fileName) else { return nil }
        return try? JSONDecoder().decode(NodeStatus.self, from: data)
    }

    /// Whether the process that wrote this snapshot still runs and wrote it recently.
    public func isLive(nowMillis: UInt64) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        return Double(nowMillis &- writtenMillis) / 1000 < Self.staleAfterSeconds
    }
}
