import Foundation
import GrapevineCore
import Sodium

/// Signatures that no deterministic signer makes: a second valid signature of a body (an Ed25519
/// signer may pick its nonce at random), and a valid signature by a key outside the prime-order
/// subgroup. Both are valid entries (PROTOCOL.md §3.3, §9.6).
enum SignatureVectors {
    /// An order-8 point of the small-order blocklist (§3.3).
    static let orderEight = Hex.decode("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05") ?? []

    /// The secret scalar `a` of a seed, reduced mod L: clamp(SHA-512(seed)[0..32]).
    static func secretScalar(_ key: Ed25519.SigningKey) -> [UInt8] {
        var h = Ed25519Arithmetic.sha512(key.seed)
        h[0] &= 248
        h[31] &= 127
        h[31] |= 64
        return Ed25519Arithmetic.reduce(wide: Array(h[0..<32]) + [UInt8](repeating: 0, count: 32))
    }

    /// `k = SHA-512(R ‖ A ‖ M) mod L` for the entry signing input of `body`.
    static func challenge(r: [UInt8], author: [UInt8], body: [UInt8]) -> [UInt8] {
        Ed25519Arithmetic.reduce(wide: Ed25519Arithmetic.sha512(r + author + SignedEntry.signingInput(body)))
    }

    /// An Ed25519 signature of `body` with the nonce derived from `label` instead of the seed:
    /// `R = [r]B`, `S = r + k·a mod L`. Nil when `accept` refuses the challenge `k`.
    static func sign(_ body: [UInt8], scalar a: [UInt8], author: [UInt8], label: String,
                     accept: ([UInt8]) -> Bool = { _ in true }) -> [UInt8]? {
        let r = Ed25519Arithmetic.reduce(wide: BLAKE2b.hash(Array("grapevine/vectors/nonce".utf8), Array(label.utf8),
                                                            outputLength: 64))
        guard let bigR = Ed25519Arithmetic.baseMultiply(r) else { return nil }
        let k = challenge(r: bigR, author: author, body: body)
        guard accept(k) else { return nil }
        return bigR + Ed25519Arithmetic.addScalars(r, Ed25519Arithmetic.multiply(k, a))
    }

    /// The card-fn body of `entry` signed again with another nonce: the same id, another signature.
    static func secondSignature(of entry: SignedEntry, by key: Ed25519.SigningKey) throws -> SignedEntry {
        guard let signature = sign(entry.body, scalar: secretScalar(key), author: key.publicKey, label: "second")
        else { throw GenerationError("second signature") }
        return try SignedEntry.decode(SignedEntry.envelope(body: entry.body, signature: signature))
    }

    /// `A + T` with `T` of order 8: not in the blocklist, canonical, on the curve, outside the subgroup.
    static func mixedOrderKey(_ key: Ed25519.SigningKey) throws -> [UInt8] {
        guard let mixed = Ed25519Arithmetic.add(key.publicKey, orderEight) else { throw GenerationError("A + T") }
        return mixed
    }

    /// A card entry authored by `A + T`. With `k ≡ 0 mod 8`, `[k](A + T) = [k]A`, so `S = r + k·a` verifies;
    /// the nonce is searched until the challenge is such a `k`.
    static func mixedOrderEntry(_ key: Ed25519.SigningKey) throws -> SignedEntry {
        let author = try mixedOrderKey(key)
        let body = try NegativeVectors.bodyBytes(author: author, stamp: VectorGenerator.stamp(30))
        for attempt in 0..<256 {
            if let signature = sign(body, scalar: secretScalar(key), author: author, label: "mixed-\(attempt)",
                                    accept: { $0[0] & 7 == 0 }) {
                return try SignedEntry.decode(SignedEntry.envelope(body: body, signature: signature))
            }
        }
        throw GenerationError("no challenge divisible by 8 in 256 attempts")
    }
}
