import GrapevineCore

/// The (stamp, id) order every bound and index uses: stamp first, then id bytes lexicographically.
///
/// The id is held as four big-endian words so comparing two keys is five integer comparisons.
struct OrderKey: Hashable, Comparable, Sendable {
    let stamp: UInt64
    let b0: UInt64
    let b1: UInt64
    let b2: UInt64
    let b3: UInt64

    init(stamp: UInt64, b0: UInt64, b1: UInt64, b2: UInt64, b3: UInt64) {
        self.stamp = stamp
        self.b0 = b0
        self.b1 = b1
        self.b2 = b2
        self.b3 = b3
    }

    init(stamp: UInt64, idBytes b: [UInt8]) {
        self.stamp = stamp
        b0 = Self.bigEndianWord(b, 0)
        b1 = Self.bigEndianWord(b, 8)
        b2 = Self.bigEndianWord(b, 16)
        b3 = Self.bigEndianWord(b, 24)
    }

    init(stamp: HLCStamp, id: EntryID) {
        self.init(stamp: stamp.rawValue, b0: id.w0, b1: id.w1, b2: id.w2, b3: id.w3)
    }

    init(_ meta: EntryMeta) {
        self.init(stamp: meta.stamp, id: meta.id)
    }

    private static func bigEndianWord(_ b: [UInt8], _ at: Int) -> UInt64 {
        var w: UInt64 = 0
        for i in 0..<8 { w = w << 8 | UInt64(b[at + i]) }
        return w
    }

    static func < (lhs: OrderKey, rhs: OrderKey) -> Bool {
        if lhs.stamp != rhs.stamp { return lhs.stamp < rhs.stamp }
        if lhs.b0 != rhs.b0 { return lhs.b0 < rhs.b0 }
        if lhs.b1 != rhs.b1 { return lhs.b1 < rhs.b1 }
        if lhs.b2 != rhs.b2 { return lhs.b2 < rhs.b2 }
        return lhs.b3 < rhs.b3
    }

    var id: EntryID { EntryID(w0: b0, w1: b1, w2: b2, w3: b3) }

    /// The id as a one-element sum: its little-endian words are the big-endian words byte-swapped.
    var idSum: IDSum {
        IDSum(w0: b0.byteSwapped, w1: b1.byteSwapped, w2: b2.byteSwapped, w3: b3.byteSwapped, count: 1)
    }
}
