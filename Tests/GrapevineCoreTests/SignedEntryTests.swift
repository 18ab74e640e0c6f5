import Foundation
import Testing
import Sodium
import GrapevineWire
@testable import GrapevineCore

@Suite("Signed entries")
struct SignedEntryTests {
    let key = Ed25519.SigningKey(seed: [UInt8](repeating: 9, count: 32))!
    let other = PublicIdentity(bytes: Ed25519.SigningKey(seed: [UInt8](repeating: 8, count: 32))!.publicKey)!
    let third = PublicIdentity(bytes: Ed25519.SigningKey(seed: [UInt8](repeating: 7, count: 32))!.publicKey)!
    let stamp = HLCStamp(millis: 1_700_000_000_000, counter: 0)

    func reason(_ bytes: [UInt8]) -> RejectionReason? {
        do {
            _ = try SignedEntry.decode(bytes)
            return nil
        } catch {
            return error.reason
        }
    }

    func sign(_ content: EntryContent) throws(EntryError) -> SignedEntry {
        try SignedEntry.sign(content, stamp: stamp, with: key)
    }

    @Test("a signed entry decodes back to the same id, bytes and content")
    func roundTrip() throws {
        let entry = try sign(.card(CardUpdate(field: "fn", values: [CardItem("Ada")])))
        let decoded = try SignedEntry.decode(entry.encoded)
        #expect(decoded.id == entry.id)
        #expect(decoded.body == entry.body)
        #expect(decoded.signature == entry.signature)
        #expect(decoded.content == .card(CardUpdate(field: "fn", values: [CardItem("Ada")])))
        #expect(decoded.author.bytes == key.publicKey)
        #expect(decoded.replacementKey == Array("fn".utf8))
        #expect(decoded.encoded == entry.encoded)
    }

    @Test("largestSize bounds the signed entry: equal with the longest stamp, never smaller")
    func largestSizeBoundsTheSignedEntry() throws {
        let content = EntryContent.card(CardUpdate(field: "email", values: [CardItem("a@example.com", type: "work")]))
        let size = try SignedEntry.largestSize(of: content)
        let longest = try SignedEntry.sign(content, stamp: HLCStamp(rawValue: .max), with: key)
        #expect(size.entry == longest.encoded.count)
        #expect(size.body == longest.body.count)
        let today = try sign(content)
        #expect(size.entry >= today.encoded.count && size.body >= today.body.count)
    }

    @Test("the id is BLAKE2b-256 of the domain prefix and the body")
    func idConstruction() throws {
        let entry = try sign(.edge(EdgeInfo(target: other, state: .connected)))
        let expected = BLAKE2b.hash(Array("grapevine/entry/v1\u{0}".utf8), entry.body, outputLength: 32)
        #expect(entry.id.bytes == expected)
        #expect(Ed25519.verify(signature: entry.signature, message: Array("grapevine/entry/v1\u{0}".utf8) + entry.body,
                               publicKey: key.publicKey))
    }

    @Test("an introduction's replacement key is its own id; an edge's is its target")
    func replacementKeys() throws {
        let intro = try sign(.introduction(IntroductionInfo(a: other, b: third)))
        #expect(intro.replacementKey == intro.id.bytes)
        let edge = try sign(.edge(EdgeInfo(target: other, state: .removed)))
        #expect(edge.replacementKey == other.bytes)
        let endpoint = try sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: [10, 0, 0, 1], port: 7474)])))
        #expect(endpoint.replacementKey.isEmpty)
    }

    @Test("a tampered body or signature is refused")
    func tampering() throws {
        let entry = try sign(.card(CardUpdate(field: "org", values: [CardItem("Looms Ltd")])))
        var body = entry.body
        body[body.count - 1] ^= 0x01
        #expect(reason(SignedEntry.envelope(body: body, signature: entry.signature)) == .badSignature)
        var sig = entry.signature
        sig[5] ^= 0x80
        #expect(reason(SignedEntry.envelope(body: entry.body, signature: sig)) == .badSignature)
    }

    @Test("a body with an undeclared field is not canonical")
    func unknownFieldIsRejected() throws {
        let entry = try sign(.card(CardUpdate(field: "fn", values: [CardItem("Ada")])))
        let body = entry.body + [0x40, 0x01]  // field 8, varint 1
        let bytes = SignedEntry.envelope(body: body, signature: key.sign(SignedEntry.signingInput(body)))
        #expect(reason(bytes) == .nonCanonical)
    }

    @Test("an explicit zero value is not canonical")
    func explicitZeroIsRejected() throws {
        let entry = try sign(.card(CardUpdate(field: "fn", values: [CardItem("Ada")])))
        let body = entry.body + [0x3a, 0x00]  // field 7 (signer), empty
        let bytes = SignedEntry.envelope(body: body, signature: key.sign(SignedEntry.signingInput(body)))
        #expect(reason(bytes) == .nonCanonical)
    }

    @Test("card values obey the length, count and character limits")
    func cardLimits() {
        let long = String(repeating: "x", count: Limits.maxValueLength + 1)
        #expect(throws: EntryError.self) { try sign(.card(CardUpdate(field: "fn", values: [CardItem(long)]))) }
        #expect(throws: EntryError.self) {
            try sign(.card(CardUpdate(field: "fn", values: [CardItem("a"), CardItem("b")])))
        }
        let nine = (0..<9).map { CardItem("a\($0)@example.org") }
        #expect(throws: EntryError.self) { try sign(.card(CardUpdate(field: "email", values: nine))) }
        #expect(throws: EntryError.self) { try sign(.card(CardUpdate(field: "fn", values: [CardItem("a\nb")]))) }
        #expect(throws: EntryError.self) { try sign(.card(CardUpdate(field: "fn", values: [CardItem("a\u{85}b")]))) }
        #expect(throws: EntryError.self) { try sign(.card(CardUpdate(field: "Fn", values: [CardItem("a")]))) }
        #expect(throws: EntryError.self) { try sign(.card(CardUpdate(field: "tel", values: [CardItem("1", type: "Cell")]))) }
        #expect(throws: Never.self) { try sign(.card(CardUpdate(field: "note", values: [CardItem("line\nline")]))) }
        #expect(throws: Never.self) { try sign(.card(CardUpdate(field: "x-custom", values: [CardItem("kept")]))) }
    }

    @Test("edges and introductions cannot point at their author")
    func selfReferences() {
        let me = PublicIdentity(bytes: key.publicKey)!
        #expect(throws: EntryError.self) { try sign(.edge(EdgeInfo(target: me, state: .connected))) }
        #expect(throws: EntryError.self) { try sign(.introduction(IntroductionInfo(a: me, b: other))) }
        #expect(throws: EntryError.self) { try sign(.introduction(IntroductionInfo(a: other, b: other))) }
    }

    @Test("endpoints hold at most eight well-formed UDP addresses, each with an origin or none")
    func endpointLimits() throws {
        let nine = (1...9).map { NodeAddress(ip: [127, 0, 0, UInt8($0)], port: 7474) }
        #expect(throws: EntryError.self) { try sign(.endpoint(EndpointInfo(addresses: nine))) }
        let kinds = [NodeAddress(ip: [198, 19, 1, 3], port: 7474, origin: .interface),
                     NodeAddress(ip: [198, 18, 0, 23], port: 7474, origin: .observed),
                     NodeAddress(ip: [192, 0, 2, 7], port: 7474, origin: .forwarded),
                     NodeAddress(ip: [192, 0, 2, 8], port: 7474)]
        let eight = Array(repeating: kinds, count: 2).flatMap { $0 }
        let entry = try sign(.endpoint(EndpointInfo(addresses: eight)))
        #expect(entry.content == .endpoint(EndpointInfo(addresses: eight)))
        #expect(throws: EntryError.self) { try sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: [1, 2, 3], port: 1)]))) }
        #expect(throws: EntryError.self) {
            try sign(.endpoint(EndpointInfo(addresses: [NodeAddress(kind: 2, ip: [1, 2, 3, 4], port: 1)])))
        }
    }

    @Test("decoding arbitrary bytes never traps and always gives a reason")
    func garbageNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = reason(bytes)
        }
        #expect(reason([]) != nil)
        #expect(reason([0x0a]) == .truncated)
    }

    @Test("an unknown kind is verified, bounded and kept with its key")
    func unknownKind() throws {
        let entry = try SignedEntry.sign(.unknown(payload: [1, 2, 3]), kind: EntryKind(rawValue: 900),
                                         key: Array("k".utf8), stamp: stamp, with: key)
        let decoded = try SignedEntry.decode(entry.encoded)
        #expect(decoded.kind.rawValue == 900)
        #expect(decoded.replacementKey == Array("k".utf8))
        #expect(decoded.content == .unknown(payload: [1, 2, 3]))
        #expect(throws: EntryError.self) {
            try SignedEntry.sign(.unknown(payload: []), kind: EntryKind(rawValue: 900),
                                 key: [UInt8](repeating: 1, count: Limits.maxUnknownKeyLength + 1), stamp: stamp, with: key)
        }
    }

    @Test("the largest card entry fits the entry and body limits")
    func largestCardFits() throws {
        let note = String(repeating: "n", count: Limits.maxNoteLength)
        let entry = try sign(.card(CardUpdate(field: "note", values: [CardItem(note)])))
        #expect(entry.body.count <= Limits.maxBodySize)
        let eight = (0..<8).map { CardItem(String(repeating: "e", count: 150) + "\($0)", type: "work") }
        #expect(throws: EntryError.self) { try sign(.card(CardUpdate(field: "email", values: eight))) }
    }
}
