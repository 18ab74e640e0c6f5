import GrapevineCore

/// The retained winners of one (author, kind): at most K of them, one per replacement key.
///
/// Members are slots of `MergeCore`'s entry table, so a group costs one small array, not a copy
/// of each entry. Groups small enough are searched linearly for a replacement key; a group that
/// outgrows `linearLimit` (only edges, introductions, responses and unknown kinds can) gets a map.
struct AuthorKindGroup: Sendable {
    static let linearLimit = 32

    /// The slots of the retained winners in ascending (stamp, id) order; `first` is the floor once K are held.
    private(set) var members: [Int32] = []
    /// Replacement key → slot, kept once the group has held more than `linearLimit` winners.
    private var byKey: [[UInt8]: Int32]?

    var count: Int { members.count }

    /// The slot of the retained winner of `key`, if any.
    func winner(for key: [UInt8], in slots: [EntryMeta]) -> Int32? {
        if let byKey { return byKey[key] }
        return members.first { slots[Int($0)].replacementKey == key }
    }

    mutating func insert(_ slot: Int32, in slots: [EntryMeta]) {
        let key = OrderKey(slots[Int(slot)])
        members.insert(slot, at: Self.insertionPoint(of: key, in: members, slots: slots))
        if byKey != nil {
            byKey?[slots[Int(slot)].replacementKey] = slot
        } else if members.count > Self.linearLimit {
            buildMap(slots)
        }
    }

    /// Appends a slot greater than every member (the bulk restore adds them in order).
    mutating func append(_ slot: Int32, in slots: [EntryMeta]) {
        members.append(slot)
        if byKey != nil {
            byKey?[slots[Int(slot)].replacementKey] = slot
        } else if members.count > Self.linearLimit {
            buildMap(slots)
        }
    }

    mutating func remove(_ slot: Int32, in slots: [EntryMeta]) {
        let meta = slots[Int(slot)]
        let i = Self.insertionPoint(of: OrderKey(meta), in: members, slots: slots)
        if i < members.count, members[i] == slot { members.remove(at: i) }
        byKey?.removeValue(forKey: meta.replacementKey)
    }

    private mutating func buildMap(_ slots: [EntryMeta]) {
        var map: [[UInt8]: Int32] = [:]
        map.reserveCapacity(members.count * 2)
        for slot in members { map[slots[Int(slot)].replacementKey] = slot }
        byKey = map
    }

    private static func insertionPoint(of key: OrderKey, in members: [Int32], slots: [EntryMeta]) -> Int {
        var lo = 0
        var hi = members.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if OrderKey(slots[Int(members[mid])]) < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
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
