import Testing
import Sodium
@testable import GrapevineCore

@Suite("libsodium wrapper")
struct SodiumTests {
    @Test("BLAKE2b matches the published empty-input digest")
    func blake2bKnownAnswer() {
        #expect(Hex.encode(BLAKE2b.hash([], outputLength: 32))
                == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
        #expect(BLAKE2b.hash([1, 2], [3]) == BLAKE2b.hash([1, 2, 3]))
    }

    @Test("a seed always gives the same key pair, and signatures verify only for their message")
    func signAndVerify() throws {
        let a = try #require(Ed25519.SigningKey(seed: [UInt8](repeating: 42, count: 32)))
        let b = try #require(Ed25519.SigningKey(seed: [UInt8](repeating: 42, count: 32)))
        #expect(a.publicKey == b.publicKey)
        #expect(a.seed == [UInt8](repeating: 42, count: 32))
        let sig = a.sign([1, 2, 3])
        #expect(Ed25519.verify(signature: sig, message: [1, 2, 3], publicKey: a.publicKey))
        #expect(!Ed25519.verify(signature: sig, message: [1, 2, 4], publicKey: a.publicKey))
        #expect(!Ed25519.verify(signature: Array(sig.prefix(63)), message: [1, 2, 3], publicKey: a.publicKey))
        #expect(Ed25519.SigningKey(seed: [1, 2, 3]) == nil)
    }

    @Test("structural faults are classified in libsodium's order")
    func structuralFaults() throws {
        let key = try #require(Ed25519.SigningKey(seed: [UInt8](repeating: 5, count: 32)))
        let sig = key.sign([9])
        #expect(Ed25519.structuralFault(signature: sig, publicKey: key.publicKey) == nil)
        let identity: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)
        #expect(Ed25519.structuralFault(signature: sig, publicKey: identity) == .smallOrderKey)
        var highBit = identity
        highBit[31] |= 0x80
        #expect(Ed25519.structuralFault(signature: sig, publicKey: highBit) == .smallOrderKey)
        #expect(Ed25519.structuralFault(signature: identity + Array(sig[32...]), publicKey: key.publicKey) == .smallOrderR)
        let big = Ed25519Arithmetic.addWrapping(Array(sig[32...]), Ed25519Arithmetic.groupOrder)
        #expect(Ed25519.structuralFault(signature: Array(sig[0..<32]) + big, publicKey: key.publicKey) == .nonCanonicalS)
    }

    @Test("two identities derive the same crypto_box key and can seal to each other")
    func x25519Sealing() throws {
        let a = try #require(Ed25519.SigningKey(seed: [UInt8](repeating: 1, count: 32)))
        let b = try #require(Ed25519.SigningKey(seed: [UInt8](repeating: 2, count: 32)))
        let aPublic = try #require(X25519.publicKey(fromEd25519: a.publicKey))
        let bPublic = try #require(X25519.publicKey(fromEd25519: b.publicKey))
        let ab = try #require(X25519.sharedKey(theirPublicKey: bPublic, ourSecretKey: a.x25519SecretKey()))
        let ba = try #require(X25519.sharedKey(theirPublicKey: aPublic, ourSecretKey: b.x25519SecretKey()))
        #expect(ab == ba)
        let nonce = [UInt8](repeating: 7, count: X25519.nonceLength)
        let sealed = try #require(X25519.seal([10, 20, 30], nonce: nonce, sharedKey: ab))
        #expect(sealed.count == 3 + X25519.macLength)
        #expect(X25519.open(sealed[...], nonce: nonce, sharedKey: ba) == [10, 20, 30])
        var forged = sealed
        forged[0] ^= 1
        #expect(X25519.open(forged[...], nonce: nonce, sharedKey: ba) == nil)
        #expect(X25519.publicKey(fromEd25519: [1] + [UInt8](repeating: 0, count: 31)) == nil)
    }

    @Test("random bytes have the requested length and memzero clears a secret")
    func randomAndMemzero() {
        var secret = Sodium.randomBytes(32)
        #expect(secret.count == 32)
        #expect(Sodium.randomBytes(32) != Sodium.randomBytes(32))
        Sodium.memzero(&secret)
        #expect(secret == [UInt8](repeating: 0, count: 32))
        #expect(Sodium.constantTimeEqual([1, 2], [1, 2]) && !Sodium.constantTimeEqual([1, 2], [1, 3]))
    }
}
