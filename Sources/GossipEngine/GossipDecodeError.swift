/// Why a payload was refused. The shell counts drops by `code`; nothing here ever traps.
public struct GossipDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case oversize = "oversize"
        case malformed = "malformed"
        /// A payload of an earlier protocol version than this engine's (PROTOCOL.md §15.2).
        case oldVersion = "old-version"
        /// A payload of a later protocol version than this engine's.
        case newerVersion = "newer-version"
        case invalidField = "invalid-field"
        case invalidRanges = "invalid-ranges"
    }

    public let code: Code
    public let detail: String
    /// The `version` the payload states, when it was refused for speaking another version.
    public let spokenVersion: UInt32?

    public init(_ code: Code, _ detail: String, spokenVersion: UInt32? = nil) {
        self.code = code
        self.detail = detail
        self.spokenVersion = spokenVersion
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
