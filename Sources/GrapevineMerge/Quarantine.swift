import GrapevineCore

/// Entries whose stamps are too far ahead to merge yet, bounded per author and in all.
///
/// It holds the `perAuthor` smallest (stamp, id) of each author's pending entries, and of those
/// the `total` smallest, so what it holds depends only on which entries arrived, not their order:
/// an entry is admitted unless it ranks above a full author's or a full quarantine's greatest,
/// and admitting one evicts that greatest. A dropped entry is simply not held, so reconciliation
/// offers it again later.
struct Quarantine: Sendable {
    let perAuthor: Int
    let total: Int
    private(set) var entries: [EntryID: EntryMeta] = [:]
    /// All held entries, ascending (stamp, id): due entries form a prefix.
    private var order: [OrderKey] = []
    private var byAuthor: [PublicIdentity: [OrderKey]] = [:]

    init(perAuthor: Int, total: Int) {
        self.perAuthor = max(0, perAuthor)
        self.total = max(0, total)
    }

    var count: Int { order.count }

    /// The millis of the earliest held stamp: the first entry `takeDue` would release.
    var earliestMillis: UInt64? { order.first.map { HLCStamp(rawValue: $0.stamp).millis } }

    func contains(_ id: EntryID) -> Bool { entries[id] != nil }

    /// The held entries in (stamp, id) order.
    var held: [EntryMeta] { order.compactMap { entries[$0.id] } }

    /// Holds `meta` if the bounds allow; returns whether it is held and the entries it displaced.
    mutating func admit(_ meta: EntryMeta) -> (held: Bool, evicted: [EntryMeta]) {
        let key = OrderKey(meta)
        var mine = byAuthor[meta.author] ?? []
        if mine.count >= perAuthor, mine.last.map({ $0 < key }) ?? true { return (false, []) }
        if order.count >= total, order.last.map({ $0 < key }) ?? true { return (false, []) }
        mine.insert(key, at: AuthorKindGroup.insertionPoint(of: key, in: mine))
        order.insert(key, at: AuthorKindGroup.insertionPoint(of: key, in: order))
        entries[meta.id] = meta
        var evicted: [EntryMeta] = []
        if mine.count > perAuthor, let greatest = mine.popLast(), let gone = entries[greatest.id] {
            removeFromOrder(greatest)
            entries.removeValue(forKey: greatest.id)
            evicted.append(gone)
        }
        byAuthor[meta.author] = mine
        if order.count > total, let greatest = order.popLast(), let gone = entries[greatest.id] {
            removeFromAuthor(gone)
            entries.removeValue(forKey: greatest.id)
            evicted.append(gone)
        }
        return (true, evicted)
    }

    /// Removes and returns the entries whose stamp's millis are at most `millis`, in (stamp, id) order.
    mutating func takeDue(upToMillis millis: UInt64) -> [EntryMeta] {
        var due: [EntryMeta] = []
        var cut = 0
        while cut < order.count, HLCStamp(rawValue: order[cut].stamp).millis <= millis {
            if let meta = entries.removeValue(forKey: order[cut].id) {
                removeFromAuthor(meta)
                due.append(meta)
            }
            cut += 1
        }
        order.removeFirst(cut)
        return due
    }

    private mutating func removeFromOrder(_ key: OrderKey) {
        let i = AuthorKindGroup.insertionPoint(of: key, in: order)
        if i < order.count, order[i] == key { order.remove(at: i) }
    }

    private mutating func removeFromAuthor(_ meta: EntryMeta) {
        guard var mine = byAuthor[meta.author] else { return }
        let key = OrderKey(meta)
        let i = AuthorKindGroup.insertionPoint(of: key, in: mine)
        if i < mine.count, mine[i] == key { mine.remove(at: i) }
        byAuthor[meta.author] = mine.isEmpty ? nil : mine
    }
}
