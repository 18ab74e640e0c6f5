import GrapevineCore
import Sodium

/// Seals payloads from this node. One sealer per process: the epoch is chosen at boot and the
/// counter only grows, so a (key, nonce) pair is never used twice.
public struct DatagramSealer: Sendable {
    public let identity: PublicIdentity
    public let epoch: UInt64
    public private(set) var counter: UInt64 = 0
    private var keys: SharedKeyCache

    /// - Parameters:
    ///   - epoch: strictly greater than the epoch of any earlier run of this identity, for example the
    ///     boot time in milliseconds (kept above the last one used), so receivers can drop old replays.
    ///   - cacheCapacity: how many peers' shared keys to keep.
    public init(signingKey: Ed25519.SigningKey, epoch: UInt64, cacheCapacity: Int = 1024) {
        self.identity = PublicIdentity(signingKey)
        self.epoch = epoch
        self.keys = SharedKeyCache(signingKey: signingKey, capacity: cacheCapacity)
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
