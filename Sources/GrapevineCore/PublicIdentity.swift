import Sodium

/// A node's public identity: its 32-byte Ed25519 public key.
///
/// The text form is `gv1` followed by the lowercase base32 of the key and a 4-byte checksum,
/// so a mistyped or truncated identity is caught before it is used (PROTOCOL.md, "Identities").
public struct PublicIdentity: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let textPrefix = "gv1"
    static let checksumDomain = Array("grapevine/id/v1\u{0}".utf8)
    static let fingerprintDomain = Array("grapevine/fingerprint/v1\u{0}".utf8)
    public static let checksumLength = 4

    public let bytes: [UInt8]

    /// Wraps a public key; nil unless it is exactly 32 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Ed25519.publicKeyLength else { return nil }
        self.bytes = bytes
    }

    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        self.init(bytes: Array(bytes))
    }

    /// The identity of a signing key, whose public key libsodium always makes 32 bytes long.
    public init(_ key: Ed25519.SigningKey) {
        self.bytes = key.publicKey
    }

    /// The copy-pasteable text form, for example `gv1…` (61 characters).
    public var text: String {
        Self.textPrefix + Base32.encode(bytes + Self.checksum(of: bytes))
    }

    /// A short, human-comparable fingerprint: four groups of four hex digits.
    public var fingerprint: String {
        let h = BLAKE2b.hash(Self.fingerprintDomain, bytes, outputLength: 32)
        let hex = Hex.encode(h[0..<8])
        var groups: [Substring] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 4)
            groups.append(hex[i..<j])
            i = j
        }
        return groups.joined(separator: "-")
    }

    public var description: String { text }

    public static func < (lhs: PublicIdentity, rhs: PublicIdentity) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// Hashes the key's bytes in one call rather than byte by byte: identities key the store's
    /// and the merge core's largest dictionaries.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func checksum(of key: [UInt8]) -> [UInt8] {
        Array(BLAKE2b.hash(checksumDomain, key, outputLength: 32)[0..<checksumLength])
    }

    /// Parses the text form. Surrounding white space is ignored and letters may be in either case.
    public init(parsing text: String) throws(IdentityParseError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .empty }
        let utf8 = trimmed.utf8
        guard utf8.count >= Self.textPrefix.utf8.count,
              trimmed.lowercased().hasPrefix(Self.textPrefix)
        else { throw .missingPrefix }
        let rest = utf8.dropFirst(Self.textPrefix.utf8.count)
        for (offset, c) in rest.enumerated() where Base32.value(of: c) == nil {
            throw .invalidCharacter(Character(Unicode.Scalar(c)), position: offset + Self.textPrefix.utf8.count + 1)
        }
        let expectedLength = Self.textLength - Self.textPrefix.utf8.count
        guard rest.count == expectedLength else {
            throw .wrongLength(actual: utf8.count, expected: Self.textLength)
        }
        // 58 characters carry 290 bits; the last 2 must be zero. Non-zero bits mean the last
        // character was mistyped, which the checksum would catch anyway.
        guard let decoded = Base32.decode(rest), decoded.count == 36 else { throw .checksumMismatch }
        let key = Array(decoded[0..<32])
        guard Array(decoded[32..<36]) == Self.checksum(of: key) else { throw .checksumMismatch }
        self.bytes = key
    }

    /// Length of the text form: the prefix plus base32 of 36 bytes.
    public static let textLength = 3 + (36 * 8 + 4) / 5
}

/// Why an identity's text form could not be read. Each message says what to do.
public enum IdentityParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case missingPrefix
    case invalidCharacter(Character, position: Int)
    case wrongLength(actual: Int, expected: Int)
    case checksumMismatch

    /// A stable code for vectors and JSON output.
    public var code: String {
        switch self {
        case .empty: return "empty"
        case .missingPrefix: return "missing-prefix"
        case .invalidCharacter: return "invalid-character"
        case .wrongLength: return "wrong-length"
        case .checksumMismatch: return "checksum-mismatch"
        }
    }

    public var description: String {
        switch self {
        case .empty:
            return "the identity is empty; paste the text that `grapevine id` prints"
        case .missingPrefix:
            return "an identity starts with \"gv1\"; paste the text that `grapevine id` prints"
        case .invalidCharacter(let c, let position):
            return "character \(position) (\"\(c)\") cannot appear in an identity: only a-z and 2-7 follow \"gv1\""
        case .wrongLength(let actual, let expected):
            return "an identity is \(expected) characters long, this one has \(actual): part of it is missing or extra"
        case .checksumMismatch:
            return "the identity's checksum does not match: it has a typo; copy it again"
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
