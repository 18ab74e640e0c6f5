import GrapevineCore

/// The per-author forwarding budget over time (PROTOCOL.md §11.6): a token bucket per author on
/// the entries of others this node queues for piggybacking, so an author who rewrites entries in
/// a loop gets `burst` entries forwarded at once and one per `millisPerEntry` after, at every node.
/// What the budget holds back is not lost: reconciliation still delivers it.
///
/// Buckets are kept for at most `maxAuthors` authors. A new author replaces a full bucket (one
/// that holds no state), else the one idle longest, ties broken by key, so the choice never
/// depends on a dictionary's order.
struct ForwardingBudget: Sendable {
    struct Bucket: Sendable {
        var tokens: Int
        var updated: UInt64
    }

    let burst: Int
    let millisPerEntry: UInt64
    let maxAuthors: Int
    private(set) var buckets: [PublicIdentity: Bucket] = [:]

    init(config: GossipConfig) {
        burst = max(1, config.forwardingBurstPerAuthor)
        millisPerEntry = max(1, config.forwardingMillisPerEntry)
        maxAuthors = max(1, config.maxForwardingAuthors)
    }

    /// Takes one token from `author`'s bucket at `now`; false if it is empty.
    mutating func take(_ author: PublicIdentity, now: UInt64) -> Bool {
        var bucket: Bucket
        if let known = buckets[author] {
            bucket = refilled(known, now: now)
        } else {
            if buckets.count >= maxAuthors { evict(now: now) }
            bucket = Bucket(tokens: burst, updated: now)
        }
        guard bucket.tokens > 0 else {
            buckets[author] = bucket
            return false
        }
        bucket.tokens -= 1
        buckets[author] = bucket
        return true
    }

    private func refilled(_ bucket: Bucket, now: UInt64) -> Bucket {
        guard now > bucket.updated else { return bucket }
        let earned = (now - bucket.updated) / millisPerEntry
        if bucket.tokens + Int(min(earned, UInt64(burst))) >= burst { return Bucket(tokens: burst, updated: now) }
        return Bucket(tokens: bucket.tokens + Int(earned), updated: bucket.updated + earned * millisPerEntry)
    }

    private mutating func evict(now: UInt64) {
        var victim: (author: PublicIdentity, full: Bool, updated: UInt64)?
        for (author, bucket) in buckets {
            let full = refilled(bucket, now: now).tokens >= burst
            guard let current = victim else {
                victim = (author, full, bucket.updated)
                continue
            }
            let better = full != current.full ? full
                : bucket.updated != current.updated ? bucket.updated < current.updated : author < current.author
            if better { victim = (author, full, bucket.updated) }
        }
        if let victim { buckets[victim.author] = nil }
    }
}
