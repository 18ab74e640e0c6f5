import GrapevineCore

/// The retained winners of one (author, kind): at most K of them, one per replacement key.
struct AuthorKindGroup: Sendable {
    /// The retained winners in ascending (stamp, id) order; `first` is the floor once K are held.
    private(set) var order: [OrderKey] = []
    /// The retained winner of each replacement key.
    private(set) var winners: [[UInt8]: EntryMeta] = [:]

    var isEmpty: Bool { order.isEmpty }
    var count: Int { order.count }

    mutating func insert(_ meta: EntryMeta) {
        let key = OrderKey(meta)
        order.insert(key, at: Self.insertionPoint(of: key, in: order))
        winners[meta.replacementKey] = meta
    }

    mutating func remove(_ meta: EntryMeta) {
        let key = OrderKey(meta)
        let i = Self.insertionPoint(of: key, in: order)
        if i < order.count, order[i] == key { order.remove(at: i) }
        winners.removeValue(forKey: meta.replacementKey)
    }

    /// The first index whose key is not below `key`.
    static func insertionPoint(of key: OrderKey, in order: [OrderKey]) -> Int {
        var lo = 0
        var hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if order[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// The (author, kind) pair that a bound applies to.
struct AuthorKind: Hashable, Sendable {
    let author: PublicIdentity
    let kind: EntryKind
}
