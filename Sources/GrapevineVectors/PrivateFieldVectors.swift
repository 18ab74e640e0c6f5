import Foundation
import GrapevineCore
import GrapevineWire
import Sodium

/// `private.json`: sealed card fields, grants and a rotation, from fixed seeds, so that another
/// implementation can open each with the recipient's key alone (PROTOCOL.md section 5.9).
public struct PrivateVectorFile: Codable, Equatable, Sendable {
    public struct Key: Codable, Equatable, Sendable {
        public var name: String
        public var key: String
        public var keyId: String
    }

    public struct Sealed: Codable, Equatable, Sendable {
        public var name: String
        public var author: String
        public var field: String
        /// The card key it is sealed under, by name in `keys`.
        public var key: String
        /// The values inside; absent when `readable` is false.
        public var values: [VectorContent.Value]?
        public var plaintext: String?
        public var padded: String?
        public var nonce: String
        public var associatedData: String
        public var sealed: String
        public var entry: String
        public var id: String
        public var readable: Bool
        public var description: String
    }

    public struct Grant: Codable, Equatable, Sendable {
        public var name: String
        public var author: String
        public var recipient: String
        public var recipientSeed: String
        /// The card key inside, by name in `keys`; absent for an empty grant.
        public var key: String?
        public var ephemeralSeed: String?
        public var sealedKey: String?
        public var entry: String
        public var id: String
        public var description: String
    }

    /// Entries in order, and what each reader can open once all are merged.
    public struct Rotation: Codable, Equatable, Sendable {
        public struct Reader: Codable, Equatable, Sendable {
            public var name: String
            public var seed: String
            /// Keys the reader kept from earlier grants, by name.
            public var keptKeys: [String]
            /// The key the reader's retained grant holds, by name; absent when it is empty.
            public var grantedKey: String?
            /// What the reader reads of each retained sealed field; absent for a field it cannot open.
            public var reads: [String: [VectorContent.Value]]
        }

        public var description: String
        public var entries: [String]
        public var retained: [String]
        public var readers: [Reader]
    }

    public var description: String
    public var fieldDomainHex: String
    public var keyIdDomainHex: String
    public var buckets: [Int]
    public var keys: [Key]
    public var sealed: [Sealed]
    public var grants: [Grant]
    public var rotation: Rotation
    public var invalid: [NegativeVectorFile.Vector]
}

enum PrivateFieldVectors {
    static func make() throws -> PrivateVectorFile {
        let alice = try VectorGenerator.key("alice")
        let aliceID = try VectorGenerator.identity("alice")
        let bob = try VectorGenerator.identity("bob")
        let carol = try VectorGenerator.identity("carol")
        let k1 = try cardKey("card-key-1")
        let k2 = try cardKey("card-key-2")
        let keys = [("k1", k1), ("k2", k2)].map {
            PrivateVectorFile.Key(name: $0.0, key: Hex.encode($0.1.bytes), keyId: Hex.encode($0.1.id))
        }

        func sealedCard(_ name: String, _ field: String, _ values: [CardItem], key: CardKey, stamp: HLCStamp)
            throws -> (SignedEntry, PrivateVectorFile.Sealed)
        {
            let nonce = Array(VectorGenerator.seed("nonce-" + name).prefix(SealedValue.nonceLength))
            let sealed = try CardSealing.seal(values, field: field, author: aliceID, key: key, nonce: nonce)
            let entry = try SignedEntry.sign(.card(CardUpdate(field: field, sealed: sealed)), stamp: stamp, with: alice)
            let plain = try CardSealing.plaintext(values)
            let vector = PrivateVectorFile.Sealed(
                name: name, author: Hex.encode(aliceID.bytes), field: field, key: key == k1 ? "k1" : "k2",
                values: values.map { .init(value: $0.value, type: $0.type) }, plaintext: Hex.encode(plain),
                padded: CardSealing.pad(plain).map(Hex.encode), nonce: Hex.encode(nonce),
                associatedData: Hex.encode(CardSealing.associatedData(author: aliceID, field: field, keyID: key.id)),
                sealed: Hex.encode(sealed.bytes), entry: Hex.encode(entry.encoded), id: entry.id.hex, readable: true,
                description: "\(values.count) value(s) of \(field), padded to \(sealed.paddedLength) bytes")
            return (entry, vector)
        }

        func grant(_ name: String, to recipient: PublicIdentity, seedName: String, key: CardKey?, stamp: HLCStamp)
            throws -> (SignedEntry, PrivateVectorFile.Grant)
        {
            let ephemeral = VectorGenerator.seed("ephemeral-" + name)
            let info: GrantInfo
            if let key {
                guard let sealed = CardSealing.grant(key, to: recipient, ephemeralSeed: ephemeral) else {
                    throw GenerationError("\(seedName) has no X25519 key")
                }
                info = sealed
            } else {
                info = .empty(to: recipient)
            }
            let entry = try SignedEntry.sign(.grant(info), stamp: stamp, with: alice)
            let vector = PrivateVectorFile.Grant(
                name: name, author: Hex.encode(aliceID.bytes), recipient: Hex.encode(recipient.bytes),
                recipientSeed: Hex.encode(VectorGenerator.seed(seedName)), key: key.map { $0 == k1 ? "k1" : "k2" },
                ephemeralSeed: key == nil ? nil : Hex.encode(ephemeral),
                sealedKey: key == nil ? nil : Hex.encode(info.sealedKey), entry: Hex.encode(entry.encoded),
                id: entry.id.hex,
                description: key == nil ? "an empty grant: \(seedName) holds none of alice's current key"
                    : "alice's card key sealed to \(seedName)")
            return (entry, vector)
        }

        let (tel1, telVector) = try sealedCard("sealed-tel", "tel", [CardItem("+1 231 555 0100", type: "cell")],
                                               key: k1, stamp: VectorGenerator.stamp(100))
        let (email1, emailVector) = try sealedCard("sealed-email-two-values", "email", [
            CardItem("ada@example.org", type: "work"), CardItem("ada@home.example", type: "home"),
        ], key: k1, stamp: VectorGenerator.stamp(101))
        let long = (0..<8).map { CardItem(String(repeating: "\($0)", count: 40) + "@example.org") }
        let (_, longVector) = try sealedCard("sealed-email-bucket-512", "email", long, key: k1,
                                             stamp: VectorGenerator.stamp(102))
        let unreadable = try unreadableVector(alice: alice, aliceID: aliceID, key: k1)

        let (grantBob1, grantBobVector) = try grant("grant-bob-k1", to: bob, seedName: "bob", key: k1,
                                                    stamp: VectorGenerator.stamp(103))
        let (grantCarol1, grantCarolVector) = try grant("grant-carol-k1", to: carol, seedName: "carol", key: k1,
                                                        stamp: VectorGenerator.stamp(104))

        // Carol stops being a mutual connection: one transaction re-seals under k2, grants k2 to
        // bob and writes carol an empty grant.
        let (tel2, tel2Vector) = try sealedCard("rotated-tel", "tel", [CardItem("+1 231 555 0199", type: "cell")],
                                                key: k2, stamp: VectorGenerator.stamp(200))
        let (email2, email2Vector) = try sealedCard("rotated-email", "email", [
            CardItem("ada@example.org", type: "work"), CardItem("ada@home.example", type: "home"),
        ], key: k2, stamp: VectorGenerator.stamp(200, counter: 1))
        let (grantBob2, grantBob2Vector) = try grant("grant-bob-k2", to: bob, seedName: "bob", key: k2,
                                                     stamp: VectorGenerator.stamp(200, counter: 2))
        let (grantCarol2, grantCarol2Vector) = try grant("grant-carol-empty", to: carol, seedName: "carol", key: nil,
                                                         stamp: VectorGenerator.stamp(200, counter: 3))

        let rotated: [CardItem] = [CardItem("+1 231 555 0199", type: "cell")]
        let emails: [CardItem] = [CardItem("ada@example.org", type: "work"), CardItem("ada@home.example", type: "home")]
        func values(_ items: [CardItem]) -> [VectorContent.Value] { items.map { .init(value: $0.value, type: $0.type) } }
        let rotation = PrivateVectorFile.Rotation(
            description: "alice seals tel and email under k1 and grants k1 to bob and carol; carol stops being a "
                + "mutual connection, so alice re-seals both fields under k2, grants k2 to bob and writes carol an "
                + "empty grant. Merged last-writer-wins by (author, kind, key), the retained entries are listed; "
                + "bob reads the new values with the key his grant holds, carol, who kept k1, reads none of them.",
            entries: [tel1, email1, grantBob1, grantCarol1, tel2, email2, grantBob2, grantCarol2].map { Hex.encode($0.encoded) },
            retained: [tel2, email2, grantBob2, grantCarol2].map(\.id.hex),
            readers: [
                .init(name: "bob", seed: Hex.encode(VectorGenerator.seed("bob")), keptKeys: ["k1"], grantedKey: "k2",
                      reads: ["tel": values(rotated), "email": values(emails)]),
                .init(name: "carol", seed: Hex.encode(VectorGenerator.seed("carol")), keptKeys: ["k1"], grantedKey: nil,
                      reads: [:]),
            ])

        return PrivateVectorFile(
            description: "Private card fields (PROTOCOL.md §5.9): card keys and their ids, sealed "
                + "card entries (open each with its key and the associated data; readable=false must stay valid and "
                + "fail to open), grants (open sealed_key with the recipient's X25519 key converted from its Ed25519 "
                + "seed), a rotation, and entries that must be refused with the given reason.",
            fieldDomainHex: Hex.encode(CardSealing.fieldDomain), keyIdDomainHex: Hex.encode(CardKey.idDomain),
            buckets: SealedValue.buckets, keys: keys,
            sealed: [telVector, emailVector, longVector, unreadable, tel2Vector, email2Vector],
            grants: [grantBobVector, grantCarolVector, grantBob2Vector, grantCarol2Vector],
            rotation: rotation, invalid: try invalid(alice: alice, aliceID: aliceID, bob: bob, key: k1))
    }

    static func cardKey(_ name: String) throws -> CardKey {
        guard let key = CardKey(bytes: VectorGenerator.seed(name)) else { throw GenerationError("card key \(name)") }
        return key
    }

    /// Sealed bytes of the right length under k1's id that no key opens: valid, kept, unreadable.
    static func unreadableVector(alice: Ed25519.SigningKey, aliceID: PublicIdentity, key: CardKey) throws
        -> PrivateVectorFile.Sealed
    {
        let nonce = Array(VectorGenerator.seed("nonce-unreadable").prefix(SealedValue.nonceLength))
        let noise = VectorGenerator.seed("noise-a") + VectorGenerator.seed("noise-b") + VectorGenerator.seed("noise-c")
        let bytes = key.id + nonce + Array(noise.prefix(64 + SealedValue.tagLength))
        guard let sealed = SealedValue(bytes: bytes) else { throw GenerationError("unreadable sealed length") }
        let entry = try SignedEntry.sign(.card(CardUpdate(field: "tel", sealed: sealed)), stamp: VectorGenerator.stamp(105),
                                         with: alice)
        return .init(
            name: "sealed-unreadable", author: Hex.encode(aliceID.bytes), field: "tel", key: "k1", values: nil,
            plaintext: nil, padded: nil, nonce: Hex.encode(nonce),
            associatedData: Hex.encode(CardSealing.associatedData(author: aliceID, field: "tel", keyID: key.id)),
            sealed: Hex.encode(sealed.bytes), entry: Hex.encode(entry.encoded), id: entry.id.hex, readable: false,
            description: "the ciphertext is noise of a bucket's length: the entry is valid and kept, but does not open")
    }

    static func invalid(alice: Ed25519.SigningKey, aliceID: PublicIdentity, bob: PublicIdentity, key: CardKey) throws
        -> [NegativeVectorFile.Vector]
    {
        var out: [NegativeVectorFile.Vector] = []
        func add(_ name: String, kind: EntryKind, key rkey: [UInt8], payload: [UInt8], _ description: String) throws {
            let entry = try NegativeVectors.signBody(author: alice, kind: kind, key: rkey, payload: payload,
                                                     stamp: VectorGenerator.stamp(300))
            out.append(.init(name: name, entry: Hex.encode(entry), reason: RejectionReason.invalidField.rawValue,
                             description: description))
        }
        let nonce = Array(VectorGenerator.seed("nonce-invalid").prefix(SealedValue.nonceLength))
        let sealed = try CardSealing.seal([CardItem("+1 231 555 0100")], field: "tel", author: aliceID, key: key, nonce: nonce)

        var both = Grapevine_V1_CardField()
        both.field = "tel"
        var value = Grapevine_V1_CardValue()
        value.value = "+1 231 555 0100"
        both.values = [value]
        both.sealed = Data(sealed.bytes)
        try add("sealed-with-values", kind: .card, key: Array("tel".utf8), payload: try both.serializedBytes(),
                "a field carries values and sealed bytes at once")

        var short = Grapevine_V1_CardField()
        short.field = "tel"
        short.sealed = Data(sealed.bytes.dropLast())
        try add("sealed-not-a-bucket", kind: .card, key: Array("tel".utf8), payload: try short.serializedBytes(),
                "sealed bytes one short of key id, nonce, a 64-byte bucket and the tag")

        var halfGrant = Grapevine_V1_Grant()
        halfGrant.recipient = Data(bob.bytes)
        halfGrant.keyID = Data(key.id)
        try add("grant-key-id-without-key", kind: .grant, key: bob.bytes, payload: try halfGrant.serializedBytes(),
                "a grant names a key id but carries no sealed key")

        var selfGrant = Grapevine_V1_Grant()
        selfGrant.recipient = Data(aliceID.bytes)
        try add("grant-to-author", kind: .grant, key: aliceID.bytes, payload: try selfGrant.serializedBytes(),
                "an empty grant addressed to its own author")

        var wrongKey = Grapevine_V1_Grant()
        wrongKey.recipient = Data(bob.bytes)
        let entry = try NegativeVectors.signBody(author: alice, kind: .grant, key: aliceID.bytes,
                                                 payload: try wrongKey.serializedBytes(), stamp: VectorGenerator.stamp(301))
        out.append(.init(name: "grant-key-not-recipient", entry: Hex.encode(entry),
                         reason: RejectionReason.keyMismatch.rawValue,
                         description: "a grant's key is not its recipient"))
        return out
    }
}
