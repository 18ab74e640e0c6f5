import GrapevineWire
import Sodium

/// A verified entry: the atom of the store's CRDT.
///
/// `body` and `signature` are kept exactly as they arrived; `encoded` is the `SignedEntry`
/// message that carries them, which nodes store and forward verbatim.
public struct SignedEntry: Sendable, Hashable {
    /// The domain-separation prefix of the signing input and the id: `"grapevine/entry/v1" ‖ 0x00`.
    public static let domain = Array("grapevine/entry/v1\u{0}".utf8)
    public static let formatVersion: UInt32 = 1

    public let id: EntryID
    public let body: [UInt8]
    public let signature: [UInt8]
    public let author: PublicIdentity
    public let stamp: HLCStamp
    public let kind: EntryKind
    /// The key as written in the body.
    public let key: [UInt8]
    public let content: EntryContent

    /// The bytes that decide which entries compete for last-writer-wins: the body's key, except for
    /// introductions, which are add-only and use their own id.
    public var replacementKey: [UInt8] {
        kind == .introduction ? id.bytes : key
    }

    /// The canonical `SignedEntry` message: field 1 the body, field 2 the signature.
    public var encoded: [UInt8] {
        Self.envelope(body: body, signature: signature)
    }

    /// Wraps body and signature bytes in a canonical `SignedEntry` message, without checking them.
    public static func envelope(body: [UInt8], signature: [UInt8]) -> [UInt8] {
        EntryFraming.encodeSignedEntry(body: body, signature: signature)
    }

    /// What the author signs and what the id hashes: `domain ‖ body`.
    public static func signingInput(_ body: [UInt8]) -> [UInt8] {
        domain + body
    }

    public static func == (lhs: SignedEntry, rhs: SignedEntry) -> Bool {
        lhs.id == rhs.id && lhs.signature == rhs.signature
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
    }

    init(parsed: ParsedEntry) {
        self.id = parsed.id
        self.body = parsed.body
        self.signature = parsed.signature
        self.author = parsed.author
        self.stamp = parsed.stamp
        self.kind = parsed.kind
        self.key = parsed.key
        self.content = parsed.content
    }

    /// Decodes and fully checks an encoded `SignedEntry`, signature included.
    public static func decode(_ bytes: [UInt8]) throws(EntryError) -> SignedEntry {
        try ParsedEntry.parse(bytes).verified()
    }

    /// Builds, signs and checks an entry. The result passes every check a receiving node makes,
    /// so a local write can never produce an entry that peers reject.
    public static func sign(
        _ content: EntryContent,
        kind: EntryKind? = nil,
        key: [UInt8]? = nil,
        stamp: HLCStamp,
        with signingKey: Ed25519.SigningKey
    ) throws(EntryError) -> SignedEntry {
        let body = try encodeBody(content, kind: kind, key: key, stamp: stamp, author: signingKey.publicKey)
        let signature = signingKey.sign(signingInput(body))
        return try decode(EntryFraming.encodeSignedEntry(body: body, signature: signature))
    }

    /// The sizes of the body and of the whole encoded entry that `content` makes once signed, at
    /// the most (with the longest stamp), without signing it: a writer can tell in advance whether
    /// it fits `Limits.maxBodySize` and `Limits.maxEntrySize`, and say which value is too large.
    public static func largestSize(of content: EntryContent) throws(EntryError) -> (body: Int, entry: Int) {
        let body = try encodeBody(content, kind: nil, key: nil, stamp: HLCStamp(rawValue: .max),
                                  author: [UInt8](repeating: 0xff, count: Ed25519.publicKeyLength))
        let signature = [UInt8](repeating: 0xff, count: Ed25519.signatureLength)
        return (body.count, EntryFraming.encodeSignedEntry(body: body, signature: signature).count)
    }

    private static func encodeBody(
        _ content: EntryContent, kind: EntryKind?, key: [UInt8]?, stamp: HLCStamp, author: [UInt8]
    ) throws(EntryError) -> [UInt8] {
        let (derivedKind, payload, derivedKey) = try EntryPayloads.encode(content)
        guard let entryKind = kind ?? derivedKind else {
            throw EntryError(.invalidField, "an unknown-kind entry needs an explicit kind")
        }
        var message = Grapevine_V1_EntryBody()
        message.version = formatVersion
        message.author = .init(author)
        message.stamp = stamp.rawValue
        message.kind = entryKind.rawValue
        message.key = .init(key ?? derivedKey)
        message.payload = .init(payload)
        do {
            return try message.serializedBytes()
        } catch {
            throw EntryError(.malformed, "could not encode the body: \(error)")
        }
    }
}
