/// The `sealed` bytes of a connections-only card field: key id ‖ nonce ‖ ciphertext
/// (PROTOCOL.md §5.9.3). Whether the bytes are well formed is decided by their length alone, so a
/// node that holds no key checks, keeps and forwards them exactly as one that does.
public struct SealedValue: Sendable, Equatable, Hashable {
    public static let keyIDLength = CardKey.idLength
    public static let nonceLength = 24
    public static let tagLength = 16
    /// The padded plaintext lengths; a sealed field's ciphertext is one of them plus the tag.
    public static let buckets = [64, 128, 256, 512, 768]

    public let keyID: [UInt8]
    public let nonce: [UInt8]
    public let ciphertext: [UInt8]

    /// Splits `bytes`, or nil when their length is not that of a padded bucket.
    public init?(bytes: [UInt8]) {
        let header = Self.keyIDLength + Self.nonceLength
        guard Self.buckets.contains(bytes.count - header - Self.tagLength) else { return nil }
        keyID = Array(bytes[0..<Self.keyIDLength])
        nonce = Array(bytes[Self.keyIDLength..<header])
        ciphertext = Array(bytes[header...])
    }

    init(keyID: [UInt8], nonce: [UInt8], ciphertext: [UInt8]) {
        self.keyID = keyID
        self.nonce = nonce
        self.ciphertext = ciphertext
    }

    public var bytes: [UInt8] { keyID + nonce + ciphertext }

    /// The padded plaintext length, which is all the network learns of the values' size.
    public var paddedLength: Int { ciphertext.count - Self.tagLength }
}

/// A `grant`: the author's card key sealed to `recipient`, or, with no key, the news that the
/// recipient holds none of the author's current key (PROTOCOL.md §5.9.4).
public struct GrantInfo: Sendable, Equatable {
    public static let sealedKeyLength = CardKey.length + 48

    public var recipient: PublicIdentity
    public var keyID: [UInt8]
    public var sealedKey: [UInt8]

    public init(recipient: PublicIdentity, keyID: [UInt8], sealedKey: [UInt8]) {
        self.recipient = recipient
        self.keyID = keyID
        self.sealedKey = sealedKey
    }

    /// The empty grant that withdraws `recipient`'s key.
    public static func empty(to recipient: PublicIdentity) -> GrantInfo {
        GrantInfo(recipient: recipient, keyID: [], sealedKey: [])
    }

    public var isEmpty: Bool { keyID.isEmpty }
}
