import GrapevineWire
import Sodium

/// Sealing and opening connections-only card fields and grants (PROTOCOL.md §5.9). Pure: the nonce and the sealed box's ephemeral seed come from the caller.
public enum CardSealing {
    /// `"grapevine/sealed-field/v1" ‖ 0x00`, the start of every sealed field's associated data.
    public static let fieldDomain = Array("grapevine/sealed-field/v1\u{0}".utf8)
    /// The longest canonical `CardValues` that fits the largest bucket with its padding byte.
    public static var maxPlaintextLength: Int { (SealedValue.buckets.last ?? 0) - 1 }

    /// Why values could not be sealed, in the user's terms.
    public struct TooLong: Error, Sendable, Equatable, CustomStringConvertible {
        public let field: String
        public let length: Int

        public init(field: String, length: Int) {
            self.field = field
            self.length = length
        }

        public var description: String {
            "the values of \(field) take \(length) bytes once encoded; a connections-only field holds at most \(CardSealing.maxPlaintextLength): shorten or drop a value, or make \(field) public"
        }
    }

    /// The associated data: domain ‖ author (32) ‖ key id (16) ‖ field name. Only the field name
    /// varies in length and it comes last, so no two inputs share an encoding.
    public static func associatedData(author: PublicIdentity, field: String, keyID: [UInt8]) -> [UInt8] {
        fieldDomain + author.bytes + keyID + Array(field.utf8)
    }

    /// The canonical `CardValues` of `values`, before padding.
    public static func plaintext(_ values: [CardItem]) throws(EntryError) -> [UInt8] {
        var m = Grapevine_V1_CardValues()
        m.values = values.map { item in
            var v = Grapevine_V1_CardValue()
            v.value = item.value
            v.type = item.type
            return v
        }
        return try Canonical.encode(m)
    }

    /// ISO/IEC 7816-4 padding: 0x80, then zeros up to the smallest bucket that holds one more byte
    /// than `plaintext`. Nil when even the largest bucket is too small.
    public static func pad(_ plaintext: [UInt8]) -> [UInt8]? {
        guard let bucket = SealedValue.buckets.first(where: { $0 > plaintext.count }) else { return nil }
        return plaintext + [0x80] + [UInt8](repeating: 0, count: bucket - plaintext.count - 1)
    }

    /// Strips the padding `pad` adds; nil when the bytes do not end in 0x80 followed by zeros.
    public static func unpad(_ padded: [UInt8]) -> [UInt8]? {
        guard let marker = padded.lastIndex(where: { $0 != 0 }), padded[marker] == 0x80 else { return nil }
        return Array(padded[..<marker])
    }

    /// Seals `values` of `field` under `key`, as `author` publishes them.
    public static func seal(
        _ values: [CardItem], field: String, author: PublicIdentity, key: CardKey, nonce: [UInt8]
    ) throws -> SealedValue {
        let plain = try plaintext(values)
        guard let padded = pad(plain) else { throw TooLong(field: field, length: plain.count) }
        let ad = associatedData(author: author, field: field, keyID: key.id)
        guard let ciphertext = XChaCha20Poly1305.seal(padded, associatedData: ad, nonce: nonce, key: key.bytes) else {
            throw EntryError(.invalidField, "a sealed field's nonce is \(SealedValue.nonceLength) bytes, not \(nonce.count)")
        }
        return SealedValue(keyID: key.id, nonce: nonce, ciphertext: ciphertext)
    }

    /// The values inside `sealed`, or nil when `key` is not the key it names, it does not open,
    /// or what it holds is not valid values for `field` (the reader shows it as unreadable).
    public static func open(_ sealed: SealedValue, field: String, author: PublicIdentity, key: CardKey) -> [CardItem]? {
        guard sealed.keyID == key.id else { return nil }
        let ad = associatedData(author: author, field: field, keyID: key.id)
        guard let padded = XChaCha20Poly1305.open(sealed.ciphertext[...], associatedData: ad, nonce: sealed.nonce,
                                                  key: key.bytes),
              let plain = unpad(padded)
        else { return nil }
        return try? EntryPayloads.decodeSealedValues(plain, field: field)
    }

    /// A grant of `key` to `recipient`: the key in a sealed box to the recipient's X25519 key.
    /// Nil for a recipient whose key has no X25519 form (libsodium refuses it), who can hold no key.
    public static func grant(_ key: CardKey, to recipient: PublicIdentity, ephemeralSeed: [UInt8]) -> GrantInfo? {
        guard let x25519 = X25519.publicKey(fromEd25519: recipient.bytes),
              let sealed = SealedBox.seal(key.bytes, to: x25519, ephemeralSeed: ephemeralSeed)
        else { return nil }
        return GrantInfo(recipient: recipient, keyID: key.id, sealedKey: sealed)
    }

    /// The key inside a grant addressed to `me`, or nil when it is empty, sealed to someone else,
    /// does not open, or holds a key whose id is not the one the grant names.
    public static func openGrant(_ grant: GrantInfo, as me: Ed25519.SigningKey) -> CardKey? {
        guard !grant.isEmpty, grant.recipient.bytes == me.publicKey,
              let publicKey = X25519.publicKey(fromEd25519: me.publicKey)
        else { return nil }
        var secret = me.x25519SecretKey()
        defer { Sodium.memzero(&secret) }
        guard let bytes = SealedBox.open(grant.sealedKey, publicKey: publicKey, secretKey: secret),
              let key = CardKey(bytes: bytes), key.id == grant.keyID
        else { return nil }
        return key
    }
}
