import GrapevineCore
import Sodium

/// A discovery announcement (PROTOCOL.md §17.2): the node's signed endpoint entry, a send time and
/// a fresh nonce, signed as a whole by the entry's author.
///
/// It is not sealed: it goes to every node on the link, whose keys the sender does not know. The
/// outer signature binds the nonce and time to the author, so a captured announcement cannot be
/// made fresh again by anyone but its author.
public struct Announcement: Sendable, Equatable {
    /// "GVNA": Grapevine nearby announcement.
    public static let magic: [UInt8] = [0x47, 0x56, 0x4e, 0x41]
    public static let version: UInt8 = 1
    public static let nonceLength = 16
    /// magic ‖ version ‖ sent_at ‖ nonce ‖ entry length.
    public static let headerLength = 4 + 1 + 8 + nonceLength + 2
    public static let maxLength = headerLength + Limits.maxEntrySize + Ed25519.signatureLength
    /// Prepended to the signed bytes, so an announcement signature is never valid as anything else.
    public static let domain = Array("grapevine/nearby/v1\u{0}".utf8)

    public let sentAtMillis: UInt64
    public let nonce: [UInt8]
    /// The signed endpoint entry as it travels (PROTOCOL.md §3).
    public let entry: [UInt8]
    public let signature: [UInt8]

    /// Every byte of the announcement before the signature.
    public static func signedPart(sentAtMillis: UInt64, nonce: [UInt8], entry: [UInt8]) -> [UInt8] {
        var bytes = magic + [version]
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: sentAtMillis >> UInt64(shift))) }
        bytes += nonce
        bytes += [UInt8(truncatingIfNeeded: entry.count >> 8), UInt8(truncatingIfNeeded: entry.count)]
        return bytes + entry
    }

    /// Signs an announcement of `endpoint`, which must be an entry of `signingKey`'s identity.
    public static func make(endpoint: SignedEntry, sentAtMillis: UInt64, nonce: [UInt8],
                            signingKey: Ed25519.SigningKey) -> [UInt8] {
        let signed = signedPart(sentAtMillis: sentAtMillis, nonce: nonce, entry: endpoint.encoded)
        return signed + signingKey.sign(domain + signed)
    }

    /// Splits the bytes into their fields; checks the shape only, no signature.
    public static func parse(_ bytes: [UInt8]) -> Announcement? {
        guard bytes.count >= headerLength + Ed25519.signatureLength, bytes.count <= maxLength,
              Array(bytes[0..<4]) == magic, bytes[4] == version else { return nil }
        let sentAt = bytes[5..<13].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let nonce = Array(bytes[13..<(13 + nonceLength)])
        let length = Int(bytes[headerLength - 2]) << 8 | Int(bytes[headerLength - 1])
        guard length > 0, bytes.count == headerLength + length + Ed25519.signatureLength else { return nil }
        let entry = Array(bytes[headerLength..<(headerLength + length)])
        let signature = Array(bytes[(headerLength + length)...])
        return Announcement(sentAtMillis: sentAt, nonce: nonce, entry: entry, signature: signature)
    }

    /// Whether the outer signature is `author`'s over the domain and every byte before it.
    public func isSigned(by author: PublicIdentity) -> Bool {
        Ed25519.verify(signature: signature, message: Self.domain + Self.signedPart(sentAtMillis: sentAtMillis, nonce: nonce, entry: entry),
                       publicKey: author.bytes)
    }
}
