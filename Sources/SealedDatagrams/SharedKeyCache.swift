import GrapevineCore
import Sodium
import Synchronization

/// `crypto_box` keys shared with peers, derived once and kept in a bounded LRU.
///
/// Deriving one costs two curve conversions and an X25519 multiplication (about 90 µs), which is
/// why the opener only asks for it after the cheap checks and the per-source rate limit. The key
/// shared with a peer is the same in both directions, so a node gives its sealer and its opener
/// one cache (a reference): a joining node that talks to 31 members derives 31 keys, not 62.
public final class SharedKeyCache: Sendable {
    private struct State: Sendable {
        var keys: BoundedLRU<PublicIdentity, [UInt8]>
        var derivations = 0
    }

    /// Whose secret key the keys are derived from.
    public let owner: PublicIdentity
    private let secret: [UInt8]
    private let state: Mutex<State>

    public init(signingKey: Ed25519.SigningKey, capacity: Int) {
        self.owner = PublicIdentity(signingKey)
        self.secret = signingKey.x25519SecretKey()
        self.state = Mutex(State(keys: BoundedLRU(capacity: capacity)))
    }

    /// The shared key with `peer`, or nil if its key has no X25519 form (small order, off the curve).
    public func sharedKey(for peer: PublicIdentity) -> [UInt8]? {
        if let key = state.withLock({ $0.keys.get(peer) }) { return key }
        guard let theirs = X25519.publicKey(fromEd25519: peer.bytes),
              let shared = X25519.sharedKey(theirPublicKey: theirs, ourSecretKey: secret)
        else { return nil }
        state.withLock { state in
            state.derivations += 1
            state.keys.set(peer, shared)
        }
        return shared
    }

    /// How many keys were derived so far: a flood of unknown senders shows up here.
    public var derivations: Int { state.withLock { $0.derivations } }

    public var count: Int { state.withLock { $0.keys.count } }
}
