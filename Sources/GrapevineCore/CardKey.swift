import Sodium

/// A card key: the 32-byte XChaCha20-Poly1305 key an author seals connections-only fields under,
/// named by a hash of itself so that two writers rotating at once never pick the same name
/// (PROTOCOL.md §5.9.2).
public struct CardKey: Sendable, Equatable, Hashable {
    public static let length = 32
    public static let idLength = 16
    /// `"grapevine/card-key-id/v1" ‖ 0x00`.
    public static let idDomain = Array("grapevine/card-key-id/v1\u{0}".utf8)

    public let bytes: [UInt8]
    public let id: [UInt8]

    /// Nil unless `bytes` is 32 bytes long.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.length else { return nil }
        self.bytes = bytes
        self.id = BLAKE2b.hash(Self.idDomain, bytes, outputLength: Self.idLength)
    }

    /// A new key from the system's randomness.
    public static func generate() -> CardKey {
        // 32 random bytes are always a valid key.
        guard let key = CardKey(bytes: Sodium.randomBytes(length)) else {
            preconditionFailure("32 random bytes were refused as a card key")
        }
        return key
    }
}
