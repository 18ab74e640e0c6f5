import Sodium

/// An invite: one copy-pasteable token that carries the inviter's signed `endpoint` entry.
///
/// `gvi1` followed by the lowercase base32 of the entry and a 4-byte checksum (PROTOCOL.md §13).
/// The entry's signature lets anyone check an invite offline; a node still pings the endpoint and
/// waits for the answer before it gossips there.
public struct Invite: Sendable, Equatable {
    public static let prefix = "gvi1"
    static let checksumDomain = Array("grapevine/invite/v1\u{0}".utf8)

    public let entry: SignedEntry
    public let endpoint: EndpointInfo

    public var inviter: PublicIdentity { entry.author }

    /// Wraps a verified endpoint entry; nil for any other kind or an endpoint without addresses.
    public init?(entry: SignedEntry) {
        guard case .endpoint(let info) = entry.content, !info.addresses.isEmpty else { return nil }
        self.entry = entry
        self.endpoint = info
    }

    public var text: String {
        Self.token(wrapping: entry.encoded)
    }

    /// The token form of any bytes: prefix, base32 of the bytes and their checksum. Parsing checks
    /// what the bytes are; this only frames them.
    public static func token(wrapping bytes: [UInt8]) -> String {
        prefix + Base32.encode(bytes + checksum(bytes))
    }

    static func checksum(_ bytes: [UInt8]) -> [UInt8] {
        Array(BLAKE2b.hash(checksumDomain, bytes, outputLength: 32).prefix(4))
    }

    /// Parses and verifies an invite. White space anywhere is ignored, so a token that a mail
    /// client wrapped over several lines still reads.
    public init(parsing text: String) throws(InviteError) {
        let compact = String(text.unicodeScalars.filter { !$0.properties.isWhitespace })
        guard compact.lowercased().hasPrefix(Self.prefix) else { throw .missingPrefix }
        let body = compact.utf8.dropFirst(Self.prefix.utf8.count)
        guard body.allSatisfy({ Base32.value(of: $0) != nil }) else { throw .notBase32 }
        // Every character is in the alphabet: what can still fail is a token cut short or mistyped.
        guard let decoded = Base32.decode(body), decoded.count > 4 else { throw .checksumMismatch }
        let bytes = Array(decoded.dropLast(4))
        guard Array(decoded.suffix(4)) == Self.checksum(bytes) else { throw .checksumMismatch }
        let entry: SignedEntry
        do {
            entry = try SignedEntry.decode(bytes)
        } catch {
            throw .invalidEntry(error)
        }
        guard let invite = Invite(entry: entry) else { throw .notAnEndpoint }
        self = invite
    }
}

/// Why an invite could not be used. Each message says what to do.
public enum InviteError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingPrefix
    case notBase32
    case checksumMismatch
    case invalidEntry(EntryError)
    case notAnEndpoint

    public var code: String {
        switch self {
        case .missingPrefix: return "missing-prefix"
        case .notBase32: return "invalid-character"
        case .checksumMismatch: return "checksum-mismatch"
        case .invalidEntry(let error): return error.reason.rawValue
        case .notAnEndpoint: return "not-an-endpoint"
        }
    }

    public var description: String {
        switch self {
        case .missingPrefix:
            return "an invite starts with \"gvi1\"; paste the last line that `grapevine invite` printed"
        case .notBase32:
            return "the invite has characters outside a-z and 2-7; copy it again"
        case .checksumMismatch:
            return "the invite's checksum does not match: part of it is missing or mistyped; copy it again"
        case .invalidEntry(let error):
            return "the invite's endpoint entry is invalid (\(error)); ask for a new invite"
        case .notAnEndpoint:
            return "the invite does not carry an endpoint with an address; ask for a new invite"
        }
    }
}
