import GrapevineWire
import Sodium

/// An entry whose encoding, limits and payload have been checked, but not yet its signature.
///
/// Splitting the cheap checks from the signature lets the ingest pipeline spread verification
/// over all cores while decoding stays in order.
public struct ParsedEntry: Sendable {
    public let id: EntryID
    public let body: [UInt8]
    public let signature: [UInt8]
    public let author: PublicIdentity
    public let stamp: HLCStamp
    public let kind: EntryKind
    public let key: [UInt8]
    public let content: EntryContent

    /// Runs every check up to, but not including, the signature (PROTOCOL.md, "Order of checks").
    ///
    /// `bodyID` is the id of the body that `bytes` carries, when the caller has already hashed
    /// that very body (the ingest probe reads it from the envelope): the body is then not hashed
    /// a second time. Nil hashes it here.
    public static func parse(_ bytes: [UInt8], bodyID: EntryID? = nil) throws(EntryError) -> ParsedEntry {
        guard bytes.count <= Limits.maxEntrySize else {
            throw EntryError(.oversizeEntry, "entry of \(bytes.count) bytes exceeds \(Limits.maxEntrySize)")
        }
        let envelope = try Canonical.decode(Grapevine_V1_SignedEntry.self, bytes, what: "SignedEntry")
        let signature = [UInt8](envelope.signature)
        guard signature.count == Ed25519.signatureLength else {
            throw EntryError(.malformed, "signature is \(signature.count) bytes, not 64")
        }
        let body = [UInt8](envelope.body)
        guard body.count <= Limits.maxBodySize else {
            throw EntryError(.oversizeBody, "body of \(body.count) bytes exceeds \(Limits.maxBodySize)")
        }
        let message = try Canonical.decode(Grapevine_V1_EntryBody.self, body, what: "EntryBody")
        guard message.version == SignedEntry.formatVersion else {
            throw EntryError(.unsupportedVersion, "format version \(message.version) is not 1")
        }
        guard message.signer.isEmpty else {
            throw EntryError(.unsupportedSigner, "a signer other than the author is reserved for a later version")
        }
        guard let author = PublicIdentity(bytes: [UInt8](message.author)) else {
            throw EntryError(.invalidField, "author is \(message.author.count) bytes, not 32")
        }
        guard message.kind != 0 else {
            throw EntryError(.invalidField, "kind 0 is not a kind")
        }
        let kind = EntryKind(rawValue: message.kind)
        let key = [UInt8](message.key)
        let content = try EntryPayloads.decode(
            kind: kind, payload: [UInt8](message.payload), key: key, author: author)
        return ParsedEntry(
            id: bodyID ?? EntryID(hashing: body), body: body, signature: signature, author: author,
            stamp: HLCStamp(rawValue: message.stamp), kind: kind, key: key, content: content)
    }

    /// Checks the signature over `domain ‖ body`, exactly as libsodium 1.0.18 does.
    ///
    /// libsodium's verification makes every structural check itself (canonical S, R and the key
    /// not of small order, the key a canonical encoding of a curve point) before the curve
    /// equation, so a signature it accepts has none of the faults. They are looked for only once
    /// it refuses, to name the reason: the valid entries, nearly all of them, no longer decode
    /// the author's key twice.
    public func verified() throws(EntryError) -> SignedEntry {
        guard Ed25519.verify(signature: signature, message: SignedEntry.signingInput(body), publicKey: author.bytes) else {
            switch Ed25519.structuralFault(signature: signature, publicKey: author.bytes) {
            case .nonCanonicalS: throw EntryError(.nonCanonicalS, "signature S is not below the group order")
            case .smallOrderR: throw EntryError(.smallOrderR, "signature R is a small-order point")
            case .smallOrderKey: throw EntryError(.smallOrderKey, "author key is a small-order point")
            case .invalidKey: throw EntryError(.invalidKey, "author key is not a valid curve point")
            case nil: throw EntryError(.badSignature, "signature does not verify for author \(author.fingerprint)")
            }
        }
        return SignedEntry(parsed: self)
    }
}
