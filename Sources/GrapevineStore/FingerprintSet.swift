/// A set of nonzero 64-bit fingerprints in one flat array, for the duplicate fast path.
///
/// Linear probing from a home slot picked by multiply-shift, and no tombstones (a removal shifts
/// the rest of its run back). Between half and four fifths of the slots are taken: past either
/// bound the slots are rebuilt at three fifths, so the set never uses more than 16 bytes per
/// member once it holds more than eight, and a run of inserts or removals rebuilds it only after
/// a sixth of its members changed.
struct FingerprintSet {
    private var slots: [UInt64]
    private(set) var count = 0

    private static let minimumCapacity = 16

    init(reservingCapacity members: Int = 0) {
        slots = [UInt64](repeating: 0, count: Self.capacity(for: members))
    }

    /// The bytes the slots take, for the memory budget.
    var byteCount: Int { slots.count * MemoryLayout<UInt64>.stride }

    func contains(_ fingerprint: UInt64) -> Bool {
        var i = home(fingerprint)
        while slots[i] != 0 {
            if slots[i] == fingerprint { return true }
            i = next(i)
        }
        return false
    }

    mutating func insert(_ fingerprint: UInt64) {
        precondition(fingerprint != 0, "0 marks an empty slot")
        if (count + 1) * 5 > slots.count * 4 { rebuild(capacity: Self.capacity(for: count + 1)) }
        var i = home(fingerprint)
        while slots[i] != 0 {
            if slots[i] == fingerprint { return }
            i = next(i)
        }
        slots[i] = fingerprint
        count += 1
    }

    mutating func remove(_ fingerprint: UInt64) {
        var hole = home(fingerprint)
        while slots[hole] != fingerprint {
            if slots[hole] == 0 { return }
            hole = next(hole)
        }
        // Backward shift: move each later member of the run whose home does not lie cyclically
        // in (hole, j] into the hole, so every member stays reachable from its home.
        var j = hole
        while true {
            j = next(j)
            let member = slots[j]
            if member == 0 { break }
            let k = home(member)
            let stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j)
            if !stays {
                slots[hole] = member
                hole = j
            }
        }
        slots[hole] = 0
        count -= 1
        if count * 2 < slots.count, slots.count > Self.minimumCapacity {
            rebuild(capacity: Self.capacity(for: count))
        }
    }

    /// Slots for `members` at three fifths full.
    private static func capacity(for members: Int) -> Int {
        max(minimumCapacity, members * 5 / 3 + 1)
    }

    private func home(_ fingerprint: UInt64) -> Int {
        Int(UInt64(slots.count).multipliedFullWidth(by: fingerprint).high)
    }

    private func next(_ i: Int) -> Int {
        i + 1 == slots.count ? 0 : i + 1
    }

    private mutating func rebuild(capacity: Int) {
        let old = slots
        slots = [UInt64](repeating: 0, count: capacity)
        for member in old where member != 0 {
            var i = home(member)
            while slots[i] != 0 { i = next(i) }
            slots[i] = member
        }
    }
}
