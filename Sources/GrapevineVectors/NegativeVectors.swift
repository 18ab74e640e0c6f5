import Foundation
import GrapevineCore
import GrapevineWire
import Sodium

/// Entries every node must refuse, each with the reason code of the first check that fails.
///
/// The signature faults are built so that the curve equation itself holds: a library that skips
/// libsodium 1.0.18's extra checks would accept them, which is the point.
enum NegativeVectors {
    static func make() throws -> NegativeVectorFile {
        let alice = try VectorGenerator.key("alice")
        let bob = try VectorGenerator.identity("bob")
        var vectors: [NegativeVectorFile.Vector] = []

        func add(_ name: String, _ entry: [UInt8], _ reason: RejectionReason, _ description: String) {
            vectors.append(.init(name: name, entry: Hex.encode(entry), reason: reason.rawValue, description: description))
        }

        let card = try SignedEntry.sign(
            .card(CardUpdate(field: "fn", values: [CardItem("Ada Lovelace")])),
            stamp: VectorGenerator.stamp(1), with: alice)

        var flipped = card.signature
        flipped[32] ^= 0x01
        add("bad-signature", SignedEntry.envelope(body: card.body, signature: flipped), .badSignature,
            "the lowest bit of S is flipped")

        let wrongDomain = alice.sign(Array("grapevine/entry/v0\u{0}".utf8) + card.body)
        add("wrong-domain-prefix", SignedEntry.envelope(body: card.body, signature: wrongDomain), .badSignature,
            "signed over \"grapevine/entry/v0\" ‖ 0x00 ‖ body instead of the v1 domain")

        let s = Array(card.signature[32..<64])
        let sPlusL = Ed25519Arithmetic.addWrapping(s, Ed25519Arithmetic.groupOrder)
        add("non-canonical-s", SignedEntry.envelope(body: card.body, signature: Array(card.signature[0..<32]) + sPlusL),
            .nonCanonicalS, "S replaced by S + L: the equation still holds, but S is not below L")

        func endpointPayload(_ origins: [UInt32]) throws -> [UInt8] {
            var m = Grapevine_V1_Endpoint()
            m.addresses = origins.enumerated().map { i, origin in
                .with { $0.kind = 1; $0.ip = Data([192, 0, 2, UInt8(i + 1)]); $0.port = 7474; $0.origin = origin }
            }
            return try m.serializedBytes()
        }
        add("endpoint-origin-4", try signBody(author: alice, kind: .endpoint, key: [], payload: endpointPayload([1, 4]),
                                              stamp: VectorGenerator.stamp(50)), .invalidField,
            "a UDP address of origin 4: origin 4 (relay) is only for relay addresses (kind 2)")
        add("endpoint-nine-addresses", try signBody(author: alice, kind: .endpoint, key: [],
                                                    payload: endpointPayload(Array(repeating: 1, count: 9)),
                                                    stamp: VectorGenerator.stamp(51)), .invalidField,
            "nine addresses: an endpoint holds at most eight")

        add("small-order-r", try smallOrderR(signer: alice), .smallOrderR,
            "R is the identity point and S = k·a mod L, so [S]B = R + [k]A holds")

        add("small-order-key", try smallOrderKey(), .smallOrderKey,
            "the author key is the identity point; R = [r]B and S = r satisfy the equation for any message")

        add("non-canonical-body-field-order", try resign(reorderedBody(card.body), alice), .nonCanonical,
            "the body's field 2 (author) comes before field 1 (version)")

        // Section 1.4.3: an undeclared length-delimited field has no length limit but the bytes left,
        // and a tag inside a group is a varint of up to 10 bytes whose value is below 2^32 - 1.
        add("undeclared-length-2^31-1", card.encoded + [0x42, 0xff, 0xff, 0xff, 0xff, 0x07], .truncated,
            "an undeclared field 8 of wire type 2 with length 2^31 - 1: past the end, not over a limit")
        add("group-tag-six-bytes", card.encoded + [0x43, 0xc4, 0x80, 0x80, 0x80, 0x80, 0x00], .nonCanonical,
            "an undeclared group 8 whose end tag is written in 6 bytes: read, so only undeclared")
        add("group-tag-2^32-1", card.encoded + [0x43, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x44], .malformed,
            "inside an undeclared group 8, a tag of value 2^32 - 1")

        var paddedVersion = card.body
        paddedVersion.replaceSubrange(0..<2, with: [0x08, 0x81, 0x00])
        add("non-canonical-body-long-varint", try resign(paddedVersion, alice), .nonCanonical,
            "version 1 encoded as the two-byte varint 0x81 0x00")

        add("oversize-body", try oversizeBody(alice), .oversizeBody,
            "a body of \(Limits.maxBodySize + 10) bytes in an entry within the entry limit")

        add("invalid-utf8", try signBody(author: alice, kind: .card, key: Array("fn".utf8),
                                         payload: [0x0a, 0x02, 0x66, 0x6e, 0x12, 0x07, 0x0a, 0x05, 0x61, 0x62, 0xff, 0x63, 0x64],
                                         stamp: VectorGenerator.stamp(2)),
            .invalidUTF8, "the card value \"ab\\xffcd\" is not valid UTF-8")

        let encoded = card.encoded
        add("truncated", Array(encoded[0..<(encoded.count / 2)]), .truncated,
            "the entry cut in half, in the middle of the body")

        add("forbidden-character", try signBody(author: alice, kind: .card, key: Array("fn".utf8),
                                                payload: try cardPayload(field: "fn", value: "Ada\u{7}Lovelace"),
                                                stamp: VectorGenerator.stamp(3)),
            .forbiddenCharacter, "a BEL (U+0007) inside a name")

        add("key-mismatch", try signBody(author: alice, kind: .card, key: Array("org".utf8),
                                         payload: try cardPayload(field: "fn", value: "Ada"), stamp: VectorGenerator.stamp(4)),
            .keyMismatch, "a card entry for field fn whose key says org")

        add("unsupported-version", try signBody(author: alice, kind: .card, key: Array("fn".utf8),
                                                payload: try cardPayload(field: "fn", value: "Ada"),
                                                stamp: VectorGenerator.stamp(5), version: 2),
            .unsupportedVersion, "format version 2")

        add("unsupported-signer", try signBody(author: alice, kind: .card, key: Array("fn".utf8),
                                               payload: try cardPayload(field: "fn", value: "Ada"),
                                               stamp: VectorGenerator.stamp(6), signer: bob.bytes),
            .unsupportedSigner, "the reserved signer field is present")

        add("invalid-edge-state", try signBody(author: alice, kind: .edge, key: bob.bytes,
                                               payload: [0x0a, 0x20] + bob.bytes + [0x10, 0x03],
                                               stamp: VectorGenerator.stamp(7)),
            .invalidField, "edge state 3 is neither connected (1) nor removed (2)")

        let nonCanonicalKey: [UInt8] = [0xef] + [UInt8](repeating: 0xff, count: 30) + [0x7f]
        add("invalid-key-non-canonical", try foreignKeyEntry(author: nonCanonicalKey, signature: card.signature),
            .invalidKey, "the author key encodes y = p + 2, which is not below p")

        add("invalid-key-off-curve", try foreignKeyEntry(author: try offCurveKey(signature: card.signature), signature: card.signature),
            .invalidKey, "the author key's y has no matching x on the curve")

        let extraValueField = try signBody(author: alice, kind: .card, key: Array("fn".utf8),
                                           payload: [0x0a, 0x02, 0x66, 0x6e, 0x12, 0x07, 0x0a, 0x03, 0x41, 0x64, 0x61, 0x18, 0x01],
                                           stamp: VectorGenerator.stamp(11))
        add("undeclared-nested-field", extraValueField, .nonCanonical,
            "a CardValue carrying field 3, which protocol v1 does not declare")

        add("short-signature", SignedEntry.envelope(body: card.body, signature: Array(card.signature.prefix(63))),
            .malformed, "a 63-byte signature")

        add("unknown-kind-long-key", try signBody(author: alice, kind: EntryKind(rawValue: 77),
                                                  key: [UInt8](repeating: 0x6b, count: Limits.maxUnknownKeyLength + 1),
                                                  payload: [0x01], stamp: VectorGenerator.stamp(12)),
            .invalidField, "an unknown kind whose key is \(Limits.maxUnknownKeyLength + 1) bytes")

        add("oversize-entry", SignedEntry.envelope(body: [UInt8](repeating: 0x41, count: Limits.maxEntrySize),
                                                   signature: card.signature),
            .oversizeEntry, "an entry larger than \(Limits.maxEntrySize) bytes is refused before parsing")

        return NegativeVectorFile(
            description: "Entries that must be refused, each with the reason code of the first failing check "
                + "in PROTOCOL.md's order of checks.",
            vectors: vectors)
    }

    static func cardPayload(field: String, value: String) throws -> [UInt8] {
        var item = Grapevine_V1_CardValue()
        item.value = value
        var m = Grapevine_V1_CardField()
        m.field = field
        m.values = [item]
        return try m.serializedBytes()
    }

    /// A body assembled field by field, then signed: for bodies the normal signing path refuses to build.
    static func signBody(author: Ed25519.SigningKey, kind: EntryKind, key: [UInt8], payload: [UInt8], stamp: HLCStamp,
                         version: UInt32 = 1, signer: [UInt8] = []) throws -> [UInt8] {
        var m = Grapevine_V1_EntryBody()
        m.version = version
        m.author = Data(author.publicKey)
        m.stamp = stamp.rawValue
        m.kind = kind.rawValue
        m.key = Data(key)
        m.payload = Data(payload)
        m.signer = Data(signer)
        let body: [UInt8] = try m.serializedBytes()
        return try resign(body, author)
    }

    static func resign(_ body: [UInt8], _ key: Ed25519.SigningKey) throws -> [UInt8] {
        SignedEntry.envelope(body: body, signature: key.sign(SignedEntry.signingInput(body)))
    }

    /// An entry whose author is an arbitrary 32-byte string, carrying a structurally valid signature.
    static func foreignKeyEntry(author: [UInt8], signature: [UInt8]) throws -> [UInt8] {
        SignedEntry.envelope(body: try bodyBytes(author: author, stamp: VectorGenerator.stamp(13)), signature: signature)
    }

    /// The smallest y (as a canonical encoding) that does not decode to a curve point.
    static func offCurveKey(signature: [UInt8]) throws -> [UInt8] {
        for y in UInt8(2)...UInt8(200) {
            let candidate = [y] + [UInt8](repeating: 0, count: 31)
            if Ed25519.structuralFault(signature: signature, publicKey: candidate) == .invalidKey {
                return candidate
            }
        }
        throw GenerationError("no off-curve y below 200")
    }

    /// Moves the leading `version` field (2 bytes) behind the `author` field (34 bytes).
    static func reorderedBody(_ body: [UInt8]) throws -> [UInt8] {
        guard body.count > 36, body[0] == 0x08, body[2] == 0x12, body[3] == 0x20 else {
            throw GenerationError("unexpected body layout")
        }
        return Array(body[2..<36]) + Array(body[0..<2]) + Array(body[36...])
    }

    static func oversizeBody(_ key: Ed25519.SigningKey) throws -> [UInt8] {
        let target = Limits.maxBodySize + 10
        var payloadLength = target - 100
        while true {
            let entry = try signBody(author: key, kind: EntryKind(rawValue: 77), key: [],
                                     payload: [UInt8](repeating: 0x5a, count: payloadLength),
                                     stamp: VectorGenerator.stamp(8))
            let body = try Grapevine_V1_SignedEntry(serializedBytes: entry).body
            if body.count == target { return entry }
            guard body.count < target else { throw GenerationError("cannot hit the oversize body length") }
            payloadLength += 1
        }
    }

    /// R = identity, S = k·a mod L with k = SHA-512(R ‖ A ‖ M) mod L and a the signer's secret scalar.
    static func smallOrderR(signer: Ed25519.SigningKey) throws -> [UInt8] {
        let body = try bodyBytes(author: signer.publicKey, stamp: VectorGenerator.stamp(9))
        let r: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)
        let k = SignatureVectors.challenge(r: r, author: signer.publicKey, body: body)
        return SignedEntry.envelope(body: body, signature: r + Ed25519Arithmetic.multiply(k, SignatureVectors.secretScalar(signer)))
    }

    /// A = identity; R = [r]B, S = r for a fixed r.
    static func smallOrderKey() throws -> [UInt8] {
        let identityPoint: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)
        let body = try bodyBytes(author: identityPoint, stamp: VectorGenerator.stamp(10))
        let r = Ed25519Arithmetic.reduce(wide: BLAKE2b.hash(Array("grapevine/vectors/r".utf8), outputLength: 64))
        guard let bigR = Ed25519Arithmetic.baseMultiply(r) else { throw GenerationError("r·B is the identity") }
        return SignedEntry.envelope(body: body, signature: bigR + r)
    }

    static func bodyBytes(author: [UInt8], stamp: HLCStamp) throws -> [UInt8] {
        var m = Grapevine_V1_EntryBody()
        m.version = 1
        m.author = Data(author)
        m.stamp = stamp.rawValue
        m.kind = EntryKind.card.rawValue
        m.key = Data("fn".utf8)
        m.payload = Data(try cardPayload(field: "fn", value: "Mallory"))
        return try m.serializedBytes()
    }
}
