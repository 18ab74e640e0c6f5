/// Why a payload was refused. The shell counts drops by `code`; nothing here ever traps.
public struct GossipDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case oversize = "oversize"
        case malformed = "malformed"
        case unsupportedVersion = "unsupported-version"
        case invalidField = "invalid-field"
        case invalidRanges = "invalid-ranges"
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
