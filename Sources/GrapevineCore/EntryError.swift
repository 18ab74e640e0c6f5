/// Why an entry was rejected. The raw values are the protocol's reason codes (PROTOCOL.md,
/// "Order of checks"), used by the negative vectors and counted by reason in stats.
public enum RejectionReason: String, Sendable, CaseIterable, Comparable {
    case oversizeEntry = "oversize-entry"
    case truncated
    case malformed
    case nonCanonical = "non-canonical"
    case oversizeBody = "oversize-body"
    case invalidUTF8 = "invalid-utf8"
    case unsupportedVersion = "unsupported-version"
    case unsupportedSigner = "unsupported-signer"
    case invalidField = "invalid-field"
    case forbiddenCharacter = "forbidden-character"
    case keyMismatch = "key-mismatch"
    case nonCanonicalS = "non-canonical-s"
    case smallOrderR = "small-order-r"
    case smallOrderKey = "small-order-key"
    case invalidKey = "invalid-key"
    case badSignature = "bad-signature"

    public static func < (lhs: RejectionReason, rhs: RejectionReason) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A rejected entry: the reason code and a sentence for logs and the CLI.
public struct EntryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: RejectionReason
    public let detail: String

    public init(_ reason: RejectionReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
