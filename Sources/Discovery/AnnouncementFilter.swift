import GrapevineCore
import SealedDatagrams

/// The receiving side of discovery (PROTOCOL.md §17.3): every check an announcement passes
/// before its endpoint is tried, cheapest first, so a flood costs a token bucket per datagram and
/// a signature check only for the few that fit the budget.
///
/// Pure: the shell passes the bytes, the source host and the time.
public struct AnnouncementFilter: Sendable {
    public struct Limits: Sendable {
        /// Announcements per second from the whole link, and the burst saved up.
        public var rate: Double = 20
        public var burst: Double = 40
        /// Announcements per second from one source host; a node sends one every few seconds.
        public var sourceRate: Double = 1
        public var sourceBurst: Double = 3
        /// How far the send time may lie from this node's clock, either way.
        public var freshnessMillis: UInt64 = 60_000
        /// Source hosts and nonces remembered.
        public var sources = 256
        public var nonces = 1024

        public init() {}
    }

    public let own: PublicIdentity
    public let limits: Limits
    private var link: TokenBucket
    private var sources: BoundedLRU<[UInt8], TokenBucket>
    /// Nonces seen, with the send time they came with; a nonce is forgotten once its window has passed.
    private var seen: BoundedLRU<[UInt8], UInt64>

    public init(own: PublicIdentity, limits: Limits = Limits(), nowMillis: UInt64) {
        self.own = own
        self.limits = limits
        link = TokenBucket(rate: limits.rate, burst: limits.burst, nowMillis: nowMillis)
        sources = BoundedLRU(capacity: limits.sources)
        seen = BoundedLRU(capacity: limits.nonces)
    }

    /// The endpoint entry of an announcement that passes every check, or why it was dropped.
    public mutating func check(_ bytes: [UInt8], sourceHost: [UInt8], nowMillis: UInt64) -> Result<SignedEntry, DiscoveryDrop> {
        guard link.take(nowMillis: nowMillis) else { return .failure(.rateLimited) }
        var bucket = sources.get(sourceHost)
            ?? TokenBucket(rate: limits.sourceRate, burst: limits.sourceBurst, nowMillis: nowMillis)
        let allowed = bucket.take(nowMillis: nowMillis)
        sources.set(sourceHost, bucket)
        guard allowed else { return .failure(.rateLimitedSource) }
        guard let announcement = Announcement.parse(bytes) else { return .failure(.malformed) }
        let sentAt = announcement.sentAtMillis
        guard sentAt <= nowMillis + limits.freshnessMillis, sentAt + limits.freshnessMillis >= nowMillis else {
            return .failure(.stale)
        }
        if let earlier = seen.peek(announcement.nonce), earlier + limits.freshnessMillis >= nowMillis {
            return .failure(.replayed)
        }
        guard let parsed = try? ParsedEntry.parse(announcement.entry), parsed.kind == .endpoint else {
            return .failure(.notEndpoint)
        }
        guard parsed.author != own else { return .failure(.own) }
        guard announcement.isSigned(by: parsed.author) else { return .failure(.badSignature) }
        guard let entry = try? parsed.verified() else { return .failure(.badEntrySignature) }
        seen.set(announcement.nonce, sentAt)
        return .success(entry)
    }
}
