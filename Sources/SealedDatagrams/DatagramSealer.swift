import GrapevineCore
import Sodium

/// Seals payloads from this node. One sealer per process: the epoch is chosen at boot and the
/// counter only grows, so a (key, nonce) pair is never used twice.
public struct DatagramSealer: Sendable {
    public let identity: PublicIdentity
    public let epoch: UInt64
    public private(set) var counter: UInt64 = 0
    private let keys: SharedKeyCache

    /// - Parameters:
    ///   - epoch: strictly greater than the epoch of any earlier run of this identity, for example the
    ///     boot time in milliseconds (kept above the last one used), so receivers can drop old replays.
    ///   - keys: the shared keys, derived for `signingKey`; a node passes its opener's cache
    ///     (``DatagramOpener/keys``), so each peer's key is derived once for both directions.
    public init(signingKey: Ed25519.SigningKey, epoch: UInt64, keys: SharedKeyCache? = nil) {
        self.identity = PublicIdentity(signingKey)
        self.epoch = epoch
        self.keys = keys ?? SharedKeyCache(signingKey: signingKey, capacity: DatagramOpener.Limits().cachedKeys)
        precondition(self.keys.owner == identity, "a sealer seals with the keys of its own identity")
    }

    /// The datagram carrying `payload` to `peer`, or nil if the payload is too large or the peer's key
    /// cannot be converted to X25519.
    public mutating func seal(_ payload: [UInt8], to peer: PublicIdentity) -> [UInt8]? {
        guard payload.count <= DatagramFormat.maxPayloadSize, let key = keys.sharedKey(for: peer) else { return nil }
        counter += 1
        let nonce = DatagramFormat.nonce(epoch: epoch, counter: counter, sender: identity.bytes)
        guard let box = X25519.seal(payload, nonce: nonce, sharedKey: key) else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(DatagramFormat.headerLength + box.count)
        out.append(DatagramFormat.magic)
        out.append(contentsOf: identity.bytes)
        out.append(contentsOf: nonce)
        out.append(contentsOf: box)
        return out
    }
}
