import Foundation
import GrapevineCore
import GrapevineMerge
import GrapevineWire
import Sodium

/// Builds every file of `Protocol/vectors/` from fixed seeds, so the output is byte-for-byte stable.
public enum VectorGenerator {
    /// A fixed 32-byte seed per name: BLAKE2b-256("grapevine/vectors/seed" ‖ 0x00 ‖ name).
    public static func seed(_ name: String) -> [UInt8] {
        BLAKE2b.hash(Array("grapevine/vectors/seed\u{0}".utf8), Array(name.utf8), outputLength: 32)
    }

    static func key(_ name: String) throws -> Ed25519.SigningKey {
        guard let key = Ed25519.SigningKey(seed: seed(name)) else { throw GenerationError("bad seed for \(name)") }
        return key
    }

    static func identity(_ name: String) throws -> PublicIdentity {
        guard let id = PublicIdentity(bytes: try key(name).publicKey) else { throw GenerationError("bad key") }
        return id
    }

    /// 2025-11-24T16:00:00Z plus `offset` milliseconds.
    static func stamp(_ offset: UInt64, counter: UInt16 = 0) -> HLCStamp {
        HLCStamp(millis: 1_764_000_000_000 + offset, counter: counter)
    }

    /// Every file, by name, as it is written to disk.
    public static func files() throws -> [(name: String, data: Data)] {
        [
            ("identities.json", try VectorJSON.encode(identities())),
            ("entries.json", try VectorJSON.encode(entries())),
            ("negative.json", try VectorJSON.encode(NegativeVectors.make())),
            ("merge.json", try VectorJSON.encode(MergeVectors.make())),
            ("datagrams.json", try VectorJSON.encode(DatagramVectors.make())),
            ("invites.json", try VectorJSON.encode(InviteVectors.make())),
            ("addresses.json", try VectorJSON.encode(AddressVectors.make())),
            ("private.json", try VectorJSON.encode(PrivateFieldVectors.make())),
            ("nat.json", try VectorJSON.encode(NATVectors.make())),
            ("nearby.json", try VectorJSON.encode(NearbyVectors.make())),
            ("relay.json", try VectorJSON.encode(RelayVectors.make())),
        ]
    }

    // MARK: Identities

    public static func identities() throws -> IdentityVectorFile {
        let names = ["alice", "bob", "carol"]
        let vectors = try names.map { name -> IdentityVectorFile.Vector in
            let id = try identity(name)
            return .init(name: name, seed: Hex.encode(seed(name)), publicKey: Hex.encode(id.bytes),
                         text: id.text, fingerprint: id.fingerprint)
        }
        let alice = try identity("alice").text
        var typo = Array(alice)
        typo[20] = typo[20] == "a" ? "b" : "a"
        var invalid: [IdentityVectorFile.InvalidText] = [
            .init(text: "", error: "empty", description: "nothing to parse"),
            .init(text: "gv2" + alice.dropFirst(3), error: "missing-prefix", description: "wrong version prefix"),
            .init(text: String(alice.dropLast(2)), error: "wrong-length", description: "two characters cut off"),
            .init(text: alice + "a", error: "wrong-length", description: "one character too many"),
            .init(text: String(alice.prefix(10)) + "1" + alice.dropFirst(11), error: "invalid-character",
                  description: "'1' is outside the base32 alphabet"),
            .init(text: String(typo), error: "checksum-mismatch", description: "one character mistyped"),
        ]
        invalid.append(.init(text: alice.uppercased().replacingOccurrences(of: "GV1", with: "gv1") + "=",
                             error: "invalid-character", description: "padding is not used"))
        return IdentityVectorFile(
            description: "Identities from fixed seeds: public key, text form and fingerprint (PROTOCOL.md §2). "
                + "invalid_texts must each be refused with the given error code.",
            vectors: vectors, invalidTexts: invalid)
    }

    // MARK: Entries

    public static func entries() throws -> EntryVectorFile {
        let alice = try key("alice")
        let bob = try identity("bob")
        let carol = try identity("carol")
        var vectors: [EntryVectorFile.Vector] = []

        func add(_ name: String, _ content: EntryContent, stamp: HLCStamp, signer: String = "alice",
                 kind: EntryKind? = nil, key rkey: [UInt8]? = nil) throws -> SignedEntry {
            let entry = try SignedEntry.sign(content, kind: kind, key: rkey, stamp: stamp, with: try key(signer))
            vectors.append(try vector(name: name, signer: signer, entry: entry))
            return entry
        }

        _ = try add("card-fn", .card(CardUpdate(field: "fn", values: [CardItem("Ada Lovelace")])), stamp: stamp(1))
        _ = try add("card-email-two-values", .card(CardUpdate(field: "email", values: [
            CardItem("ada@example.org", type: "work"), CardItem("ada@home.example", type: "home"),
        ])), stamp: stamp(2))
        _ = try add("card-note-with-newline", .card(CardUpdate(field: "note", values: [
            CardItem("Analyst of engines.\nWrites notes longer than the paper they annotate."),
        ])), stamp: stamp(3, counter: 7))
        _ = try add("card-clear-title", .card(CardUpdate(field: "title", values: [])), stamp: stamp(4))
        _ = try add("card-unicode-org", .card(CardUpdate(field: "org", values: [CardItem("Société Générale d'Études — 東京")])),
                    stamp: stamp(5))
        _ = try add("endpoint-v4-v6", .endpoint(EndpointInfo(addresses: [
            NodeAddress(ip: [127, 0, 0, 1], port: 7474),
            NodeAddress(ip: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], port: 7474),
        ])), stamp: stamp(6))
        _ = try add("edge-connected", .edge(EdgeInfo(target: bob, state: .connected)), stamp: stamp(7))
        _ = try add("edge-removed", .edge(EdgeInfo(target: carol, state: .removed)), stamp: stamp(8))
        let intro = try add("introduction", .introduction(IntroductionInfo(a: bob, b: carol, note: "You both build looms.")),
                            stamp: stamp(9))
        _ = try add("introduction-response-accept",
                    .introductionResponse(IntroductionAnswer(introduction: intro.id, answer: .accept)),
                    stamp: stamp(10), signer: "bob")
        _ = try add("unknown-kind-kept", .unknown(payload: [0x0a, 0x03, 0x66, 0x6f, 0x6f, 0x10, 0x2a]),
                    stamp: stamp(11), kind: EntryKind(rawValue: 77), key: Array("future-key".utf8))
        // A reserved kind whose payload rules are not yet defined: kept opaque, under its own bound.
        _ = try add("reserved-kind-introduction-request-kept", .unknown(payload: [0x0a, 0x01, 0x00]),
                    stamp: stamp(12), kind: .introductionRequest, key: bob.bytes)
        let first = try SignedEntry.decode(try vectors[0].entry.hexBytes())
        let second = try SignatureVectors.secondSignature(of: first, by: try key("alice"))
        let kept = first.signature.lexicographicallyPrecedes(second.signature) ? first : second
        let mixed = try SignatureVectors.mixedOrderEntry(try key("alice"))
        let others: [EntryVectorFile.OtherSignature] = [
            .init(name: "second-signature", entry: Hex.encode(second.encoded), id: second.id.hex,
                  description: "the body of \(vectors[0].name) signed again with another nonce: valid, the same id; "
                      + "a node that holds both keeps the entry with the smaller signature",
                  kept: Hex.encode(kept.encoded)),
            .init(name: "mixed-order-key", entry: Hex.encode(mixed.encoded), id: mixed.id.hex,
                  description: "signed by alice's key plus an order-8 point: outside the prime-order subgroup, "
                      + "valid (V3 and V4 pass), but it has no X25519 form and cannot send a datagram",
                  kept: nil),
        ]
        _ = alice
        return EntryVectorFile(
            description: "Valid entries of every kind v2 parses, one reserved kind and one kind the table does not list, signed by keys from fixed seeds "
                + "(PROTOCOL.md §4–§6). Every one must be accepted; kept=true means a node stores and forwards it.",
            domainHex: Hex.encode(SignedEntry.domain), vectors: vectors, otherSignatures: others)
    }

    static func vector(name: String, signer: String, entry: SignedEntry) throws -> EntryVectorFile.Vector {
        let body = try Grapevine_V1_EntryBody(serializedBytes: entry.body)
        return .init(
            name: name, seed: Hex.encode(seed(signer)), author: Hex.encode(entry.author.bytes),
            kind: entry.kind.rawValue, kindName: entry.kind.name, stamp: entry.stamp.rawValue,
            key: Hex.encode(entry.key), payload: Hex.encode([UInt8](body.payload)), body: Hex.encode(entry.body),
            signature: Hex.encode(entry.signature), entry: Hex.encode(entry.encoded), id: entry.id.hex,
            content: content(of: entry.content), kept: true)
    }

    public static func content(of content: EntryContent) -> VectorContent {
        var c = VectorContent()
        switch content {
        case .card(let u):
            c.field = u.field
            c.values = u.values.map { .init(value: $0.value, type: $0.type) }
            c.sealed = u.sealed.map { Hex.encode($0.bytes) }
        case .endpoint(let e):
            c.addresses = e.addresses.map {
                .init(kind: $0.kind, ip: IPText.format($0.ip), port: $0.port, origin: $0.origin?.description,
                      relay: $0.relay.isEmpty ? nil : $0.relay)
            }
        case .edge(let e):
            c.target = Hex.encode(e.target.bytes)
            c.state = e.state == .connected ? "connected" : "removed"
        case .introduction(let i):
            c.a = Hex.encode(i.a.bytes)
            c.b = Hex.encode(i.b.bytes)
            c.note = i.note
        case .introductionResponse(let r):
            c.introduction = r.introduction.hex
            c.answer = r.answer == .accept ? "accept" : "decline"
        case .grant(let g):
            c.recipient = Hex.encode(g.recipient.bytes)
            c.keyId = g.isEmpty ? nil : Hex.encode(g.keyID)
            c.sealedKey = g.isEmpty ? nil : Hex.encode(g.sealedKey)
        case .unknown(let payload):
            c.payload = Hex.encode(payload)
        }
        return c
    }
}

struct GenerationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
