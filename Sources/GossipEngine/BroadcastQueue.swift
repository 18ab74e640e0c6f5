import GrapevineCore

/// The piggyback queues: membership updates and entries waiting to be retransmitted, each sent
/// until it has gone out `limit` times, fewest transmissions first (PROTOCOL.md §11.6).
///
/// Entries are bounded per author (the greatest by (stamp, id) are kept), so one author who
/// rewrites entries in a loop cannot take over the queue; what falls out is left to reconciliation.
struct BroadcastQueue: Sendable {
    struct Update: Sendable {
        var update: MemberUpdate
        var transmits: Int
        var order: UInt64
    }

    struct Entry: Sendable {
        let id: EntryID
        let author: PublicIdentity
        let stamp: HLCStamp
        let bytes: [UInt8]
        var transmits: Int
        var order: UInt64
    }

    /// Queued updates in no meaningful order (removal swaps with the last): every choice sorts
    /// by (transmits, order), which is unique, so the array's order never decides anything.
    var updates: [Update] = []
    private var updateSlots: [PublicIdentity: Int] = [:]
    var entries: [Entry] = []
    private var counter: UInt64 = 0
    let maxUpdates: Int
    let maxEntries: Int
    let perAuthor: Int

    init(config: GossipConfig) {
        maxUpdates = max(1, config.maxQueuedMemberUpdates)
        maxEntries = max(1, config.maxQueuedEntries)
        perAuthor = max(1, config.queuedEntriesPerAuthor)
    }

    var isEmpty: Bool { updates.isEmpty && entries.isEmpty }

    private mutating func nextOrder() -> UInt64 {
        counter += 1
        return counter
    }

    /// Queues an update, replacing any queued update about the same member.
    mutating func enqueue(_ update: MemberUpdate) {
        let order = nextOrder()
        if let i = updateSlots[update.member] {
            updates[i] = Update(update: update, transmits: 0, order: order)
            return
        }
        updateSlots[update.member] = updates.count
        updates.append(Update(update: update, transmits: 0, order: order))
        if updates.count > maxUpdates, let worst = Self.mostSent(updates.map { ($0.transmits, $0.order) }) {
            removeUpdate(at: worst)
        }
    }

    /// Drops the queued update about `member`, if any.
    mutating func removeUpdate(about member: PublicIdentity) {
        if let i = updateSlots[member] { removeUpdate(at: i) }
    }

    private mutating func removeUpdate(at i: Int) {
        updateSlots[updates[i].update.member] = nil
        let last = updates.count - 1
        if i != last {
            updates[i] = updates[last]
            updateSlots[updates[i].update.member] = i
        }
        updates.removeLast()
    }

    /// Queues an entry within its author's budget.
    mutating func enqueue(_ entry: SignedEntry) {
        guard !entries.contains(where: { $0.id == entry.id }) else { return }
        let mine = entries.indices.filter { entries[$0].author == entry.author }
        if mine.count >= perAuthor {
            guard let smallest = mine.min(by: { Self.precedes(entries[$0], entries[$1]) }) else { return }
            guard (entries[smallest].stamp, entries[smallest].id) < (entry.stamp, entry.id) else { return }
            entries.remove(at: smallest)
        }
        entries.append(Entry(id: entry.id, author: entry.author, stamp: entry.stamp, bytes: entry.encoded,
                             transmits: 0, order: nextOrder()))
        if entries.count > maxEntries, let worst = Self.mostSent(entries.map { ($0.transmits, $0.order) }) {
            entries.remove(at: worst)
        }
    }

    private static func precedes(_ a: Entry, _ b: Entry) -> Bool { (a.stamp, a.id) < (b.stamp, b.id) }

    /// The index of the item sent most often, the oldest among equals.
    private static func mostSent(_ items: [(transmits: Int, order: UInt64)]) -> Int? {
        items.indices.max { a, b in
            items[a].transmits != items[b].transmits ? items[a].transmits < items[b].transmits : items[a].order > items[b].order
        }
    }

    /// Indices in sending order: fewest transmissions first, then newest first. Sorted as one
    /// integer per item (transmits, then the order counted down), which is several times faster
    /// than comparing tuples, and this runs for every payload sent.
    static func sendingOrder(_ items: [(transmits: Int, order: UInt64)]) -> [Int] {
        var keyed = items.enumerated().map { i, item in
            (key: UInt64(min(max(item.transmits, 0), 0xFFFF)) << 48 | (orderMask &- (item.order & orderMask)), index: i)
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        return keyed.map(\.index)
    }

    /// Order counters are compared in their low 48 bits: 2⁴⁸ enqueues never happen in one run.
    private static let orderMask: UInt64 = (1 << 48) - 1

    /// Drops what has been sent `limit` times.
    mutating func retire(limit: Int) {
        var i = updates.count - 1
        while i >= 0 {
            if updates[i].transmits >= limit { removeUpdate(at: i) }
            i -= 1
        }
        entries.removeAll { $0.transmits >= limit }
    }
}

