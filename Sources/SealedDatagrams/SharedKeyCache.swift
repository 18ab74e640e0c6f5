import GrapevineCore
import Sodium

/// `crypto_box` keys shared with peers, derived once and kept in a bounded LRU.
///
/// Deriving one costs two curve conversions and an X25519 multiplication (about 90 µs), which is
/// why the opener only asks for it after the cheap checks and the per-source rate limit.
public struct SharedKeyCache: Sendable {
    private let secret: [UInt8]
    private var keys: BoundedLRU<PublicIdentity, [UInt8]>
    public private(set) var derivations = 0

    public init(signingKey: Ed25519.SigningKey, capacity: Int) {
        self.secret = signingKey.x25519SecretKey()
        self.keys = BoundedLRU(capacity: capacity)
    }

    /// The shared key with `peer`, or nil if its key has no X25519 form (small order, off the curve).
    public mutating func sharedKey(for peer: PublicIdentity) -> [UInt8]? {
        if let key = keys.get(peer) { return key }
        guard let theirs = X25519.publicKey(fromEd25519: peer.bytes),
              let shared = X25519.sharedKey(theirPublicKey: theirs, ourSecretKey: secret)
        else { return nil }
        derivations += 1
        keys.set(peer, shared)
        return shared
    }

    public var count: Int { keys.count }
}
