import GrapevineCore
import Sodium

/// Why a datagram was dropped. The raw values are the counters' names in stats and logs.
public enum DatagramDrop: String, Error, Sendable, CaseIterable, Comparable {
    case tooSmall = "too-small"
    case tooLarge = "too-large"
    case badMagic = "bad-magic"
    /// A later protocol version than this node's: its sealing may differ, so it is not opened.
    case newerVersion = "newer-version"
    case sourceRateLimited = "source-rate-limited"
    case ownKey = "own-key"
    case badNonce = "bad-nonce"
    case badKey = "bad-key"
    case forged
    case replayed
    case stale
    case senderRateLimited = "sender-rate-limited"

    public static func < (lhs: DatagramDrop, rhs: DatagramDrop) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An authenticated payload and who sent it.
public struct OpenedDatagram: Sendable, Equatable {
    /// The protocol version byte 0 names: `DatagramFormat.version`, or an older one that seals alike.
    /// The caller acts only on its own version (PROTOCOL.md §15.2).
    public let version: UInt8
    public let sender: PublicIdentity
    public let payload: [UInt8]
    public let epoch: UInt64
    public let counter: UInt64
}

/// Opens datagrams addressed to this node, cheapest checks first (PROTOCOL.md §10.3):
/// size, magic and version (an older version that seals alike is opened, so its sender can be named), the per-source token bucket, the nonce's shape, the shared key (cached),
/// the MAC, the sender's replay window, then the per-sender token bucket.
///
/// Every structure is bounded: sources, shared keys and replay windows live in LRUs.
public struct DatagramOpener: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Datagrams per second and burst per source address, before any cryptography.
        public var sourceRate: Double = 400
        public var sourceBurst: Double = 200
        /// Authenticated datagrams per second and burst per sender identity.
        public var senderRate: Double = 200
        public var senderBurst: Double = 100
        public var trackedSources = 4096
        public var cachedKeys = 1024
        public var trackedSenders = 16384

        public init() {}
    }

    public let identity: PublicIdentity
    public let limits: Limits
    /// The keys shared with senders, bounded by `limits.cachedKeys`; the node's sealer uses them too.
    public let keys: SharedKeyCache
    private var sources: BoundedLRU<[UInt8], TokenBucket>
    private var senders: BoundedLRU<PublicIdentity, SenderState>

    struct SenderState: Sendable {
        var window: ReplayWindow
        var bucket: TokenBucket
    }

    public init(signingKey: Ed25519.SigningKey, limits: Limits = Limits()) {
        self.identity = PublicIdentity(signingKey)
        self.limits = limits
        self.keys = SharedKeyCache(signingKey: signingKey, capacity: limits.cachedKeys)
        self.sources = BoundedLRU(capacity: limits.trackedSources)
        self.senders = BoundedLRU(capacity: limits.trackedSenders)
    }

    /// How many shared keys were derived so far: a flood of unknown senders shows up here.
    public var keyDerivations: Int { keys.derivations }

    /// Opens `datagram`, received from `source` (the IP bytes of the sender's address, used only
    /// for rate limiting).
    public mutating func open(_ datagram: [UInt8], source: [UInt8], nowMillis: UInt64)
        -> Result<OpenedDatagram, DatagramDrop>
    {
        guard datagram.count >= DatagramFormat.overhead else { return .failure(.tooSmall) }
        guard datagram.count <= DatagramFormat.maxDatagramSize else { return .failure(.tooLarge) }
        guard let version = DatagramFormat.version(ofMagic: datagram[0]), version >= DatagramFormat.oldestOpened else {
            return .failure(.badMagic)
        }
        guard version <= DatagramFormat.version else { return .failure(.newerVersion) }

        var bucket = sources.get(source)
            ?? TokenBucket(rate: limits.sourceRate, burst: limits.sourceBurst, nowMillis: nowMillis)
        let allowed = bucket.take(nowMillis: nowMillis)
        sources.set(source, bucket)
        guard allowed else { return .failure(.sourceRateLimited) }

        let senderBytes = datagram[DatagramFormat.senderOffset..<DatagramFormat.nonceOffset]
        guard let sender = PublicIdentity(bytes: senderBytes) else { return .failure(.badKey) }
        guard sender != identity else { return .failure(.ownKey) }
        let nonce = Array(datagram[DatagramFormat.nonceOffset..<DatagramFormat.boxOffset])
        guard nonce[16..<24].elementsEqual(senderBytes.prefix(8)) else { return .failure(.badNonce) }
        let epoch = DatagramFormat.readUInt64LE(nonce[0..<8])
        let counter = DatagramFormat.readUInt64LE(nonce[8..<16])
        // A replay is refused before any cryptography; only the MAC makes a fresh nonce count.
        if let known = senders.peek(sender), let drop = Self.drop(for: known.window.check(epoch: epoch, counter: counter)) {
            return .failure(drop)
        }

        guard let key = keys.sharedKey(for: sender) else { return .failure(.badKey) }
        guard let payload = X25519.open(datagram[DatagramFormat.boxOffset...], nonce: nonce, sharedKey: key) else {
            return .failure(.forged)
        }

        var state: SenderState
        if let known = senders.get(sender) {
            state = known
            if let drop = Self.drop(for: state.window.record(epoch: epoch, counter: counter)) { return .failure(drop) }
        } else {
            state = SenderState(
                window: ReplayWindow(epoch: epoch, counter: counter),
                bucket: TokenBucket(rate: limits.senderRate, burst: limits.senderBurst, nowMillis: nowMillis))
        }
        let within = state.bucket.take(nowMillis: nowMillis)
        senders.set(sender, state)
        guard within else { return .failure(.senderRateLimited) }
        return .success(OpenedDatagram(version: version, sender: sender, payload: payload, epoch: epoch, counter: counter))
    }

    private static func drop(for verdict: ReplayWindow.Verdict) -> DatagramDrop? {
        switch verdict {
        case .fresh: return nil
        case .replayed: return .replayed
        case .stale: return .stale
        }
    }
}
