import Foundation
import Testing
import Sodium
import GrapevineWire
@testable import GrapevineCore

@Suite("Sealed card fields and grants")
struct CardSealingTests {
    let alice = Ed25519.SigningKey(seed: [UInt8](repeating: 1, count: 32))!
    let bob = Ed25519.SigningKey(seed: [UInt8](repeating: 2, count: 32))!
    let carol = Ed25519.SigningKey(seed: [UInt8](repeating: 3, count: 32))!
    let key = CardKey(bytes: [UInt8](repeating: 4, count: 32))!
    let nonce = [UInt8](repeating: 5, count: 24)
    let stamp = HLCStamp(millis: 1_700_000_000_000, counter: 0)

    var aliceID: PublicIdentity { PublicIdentity(bytes: alice.publicKey)! }
    var bobID: PublicIdentity { PublicIdentity(bytes: bob.publicKey)! }
    let tel = [CardItem("+1 231 555 0100", type: "cell")]

    @Test("a sealed field opens with its key to the same values, and only for its author, field and key")
    func sealOpen() throws {
        let sealed = try CardSealing.seal(tel, field: "tel", author: aliceID, key: key, nonce: nonce)
        #expect(CardSealing.open(sealed, field: "tel", author: aliceID, key: key) == tel)
        #expect(CardSealing.open(sealed, field: "email", author: aliceID, key: key) == nil)
        #expect(CardSealing.open(sealed, field: "tel", author: bobID, key: key) == nil)
        #expect(CardSealing.open(sealed, field: "tel", author: aliceID, key: CardKey.generate()) == nil)
        var altered = sealed.bytes
        altered[altered.count - 1] ^= 1
        #expect(CardSealing.open(try #require(SealedValue(bytes: altered)), field: "tel", author: aliceID, key: key) == nil)
    }

    @Test("plaintexts are padded to the smallest bucket of 64, 128, 256, 512 or 768 bytes; longer is refused naming the limit")
    func buckets() throws {
        let short = try CardSealing.seal([CardItem("a")], field: "tel", author: aliceID, key: key, nonce: nonce)
        #expect(short.paddedLength == 64)
        let values = (0..<8).map { CardItem(String(repeating: "x", count: 90) + "\($0)") }
        let big = try CardSealing.seal(values, field: "email", author: aliceID, key: key, nonce: nonce)
        #expect(big.paddedLength == 768)
        let tooMany = (0..<8).map { CardItem(String(repeating: "y", count: 100) + "\($0)") }
        #expect(throws: CardSealing.TooLong.self) {
            _ = try CardSealing.seal(tooMany, field: "email", author: aliceID, key: key, nonce: nonce)
        }
        do {
            _ = try CardSealing.seal(tooMany, field: "email", author: aliceID, key: key, nonce: nonce)
        } catch {
            #expect("\(error)".contains("at most 767"))
        }
        for bucket in SealedValue.buckets {
            let padded = try #require(CardSealing.pad([UInt8](repeating: 7, count: bucket - 1)))
            #expect(padded.count == bucket)
            #expect(CardSealing.unpad(padded) == [UInt8](repeating: 7, count: bucket - 1))
        }
        #expect(CardSealing.pad([UInt8](repeating: 7, count: 768)) == nil)
    }

    @Test("a sealed card entry is valid without any key, and its bytes survive signing and decoding")
    func sealedEntry() throws {
        let sealed = try CardSealing.seal(tel, field: "tel", author: aliceID, key: key, nonce: nonce)
        let entry = try SignedEntry.sign(.card(CardUpdate(field: "tel", sealed: sealed)), stamp: stamp, with: alice)
        let decoded = try SignedEntry.decode(entry.encoded)
        guard case .card(let update) = decoded.content else { Issue.record("not a card"); return }
        #expect(update.sealed == sealed && update.values.isEmpty && !update.clears)
    }

    @Test("sealed bytes of a length no bucket gives, or beside values, are refused as invalid-field")
    func sealedRefusals() throws {
        var m = Grapevine_V1_CardField()
        m.field = "tel"
        m.sealed = Data([UInt8](repeating: 0, count: 16 + 24 + 100 + 16))
        #expect(reason(kind: .card, key: Array("tel".utf8), payload: try m.serializedBytes()) == .invalidField)
        let sealed = try CardSealing.seal(tel, field: "tel", author: aliceID, key: key, nonce: nonce)
        m.sealed = Data(sealed.bytes)
        var v = Grapevine_V1_CardValue()
        v.value = "public"
        m.values = [v]
        #expect(reason(kind: .card, key: Array("tel".utf8), payload: try m.serializedBytes()) == .invalidField)
    }

    @Test("a grant opens only for its recipient, to the key its id names; an empty grant holds none")
    func grants() throws {
        let grant = try #require(CardSealing.grant(key, to: bobID, ephemeralSeed: Sodium.randomBytes(32)))
        #expect(grant.keyID == key.id && grant.sealedKey.count == GrantInfo.sealedKeyLength)
        #expect(CardSealing.openGrant(grant, as: bob) == key)
        #expect(CardSealing.openGrant(grant, as: carol) == nil)
        var forged = grant
        forged.keyID = CardKey.generate().id
        #expect(CardSealing.openGrant(forged, as: bob) == nil)
        #expect(CardSealing.openGrant(.empty(to: bobID), as: bob) == nil)
        let entry = try SignedEntry.sign(.grant(grant), stamp: stamp, with: alice)
        #expect(entry.kind == .grant && entry.key == bobID.bytes)
        #expect(try SignedEntry.decode(entry.encoded).content == .grant(grant))
    }

    @Test("grants to the author, with a key id but no key, or keyed other than the recipient are refused")
    func grantRefusals() throws {
        var m = Grapevine_V1_Grant()
        m.recipient = Data(alice.publicKey)
        #expect(reason(kind: .grant, key: alice.publicKey, payload: try m.serializedBytes()) == .invalidField)
        m.recipient = Data(bob.publicKey)
        m.keyID = Data(key.id)
        #expect(reason(kind: .grant, key: bob.publicKey, payload: try m.serializedBytes()) == .invalidField)
        m.keyID = Data()
        #expect(reason(kind: .grant, key: carol.publicKey, payload: try m.serializedBytes()) == .keyMismatch)
        #expect(reason(kind: .grant, key: bob.publicKey, payload: try m.serializedBytes()) == nil)
    }

    @Test("the key id is BLAKE2b-128 over the domain and the key")
    func keyID() {
        #expect(key.id == BLAKE2b.hash(Array("grapevine/card-key-id/v1\u{0}".utf8), key.bytes, outputLength: 16))
    }

    func reason(kind: EntryKind, key rkey: [UInt8], payload: [UInt8]) -> RejectionReason? {
        var body = Grapevine_V1_EntryBody()
        body.version = 1
        body.author = Data(alice.publicKey)
        body.stamp = stamp.rawValue
        body.kind = kind.rawValue
        body.key = Data(rkey)
        body.payload = Data(payload)
        do {
            let bytes: [UInt8] = try body.serializedBytes()
            _ = try SignedEntry.decode(SignedEntry.envelope(body: bytes, signature: alice.sign(SignedEntry.signingInput(bytes))))
            return nil
        } catch let error as EntryError {
            return error.reason
        } catch {
            return .malformed
        }
    }
}
