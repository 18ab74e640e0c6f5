import GrapevineCore

/// A sum of entry ids as little-endian 256-bit integers, modulo 2^256, with the number of ids summed.
///
/// Addition is commutative and removal is subtraction, so the sum of a set does not depend on the
/// order ids were added in, and a tree can cache it per subtree (negentropy's fingerprint scheme).
struct IDSum: Sendable, Hashable {
    /// Little-endian 64-bit limbs: `w0` holds bytes 0..<8 of the integer.
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var w2: UInt64 = 0
    var w3: UInt64 = 0
    var count: Int = 0

    static let zero = IDSum()

    /// The single id `id`, read as a little-endian integer.
    init(_ id: EntryID) {
        // The id's words are big-endian; byte-swapped they are the integer's little-endian limbs.
        w0 = id.w0.byteSwapped
        w1 = id.w1.byteSwapped
        w2 = id.w2.byteSwapped
        w3 = id.w3.byteSwapped
        count = 1
    }

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64, count: Int) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
        self.count = count
    }

    init() {}

    static func + (lhs: IDSum, rhs: IDSum) -> IDSum {
        let (r0, c0) = lhs.w0.addingReportingOverflow(rhs.w0)
        let (r1, c1) = add(lhs.w1, rhs.w1, carry: c0)
        let (r2, c2) = add(lhs.w2, rhs.w2, carry: c1)
        let (r3, _) = add(lhs.w3, rhs.w3, carry: c2)
        return IDSum(w0: r0, w1: r1, w2: r2, w3: r3, count: lhs.count + rhs.count)
    }

    static func - (lhs: IDSum, rhs: IDSum) -> IDSum {
        let (r0, b0) = lhs.w0.subtractingReportingOverflow(rhs.w0)
        let (r1, b1) = subtract(lhs.w1, rhs.w1, borrow: b0)
        let (r2, b2) = subtract(lhs.w2, rhs.w2, borrow: b1)
        let (r3, _) = subtract(lhs.w3, rhs.w3, borrow: b2)
        return IDSum(w0: r0, w1: r1, w2: r2, w3: r3, count: lhs.count - rhs.count)
    }

    static func += (lhs: inout IDSum, rhs: IDSum) { lhs = lhs + rhs }
    static func -= (lhs: inout IDSum, rhs: IDSum) { lhs = lhs - rhs }

    private static func add(_ a: UInt64, _ b: UInt64, carry: Bool) -> (UInt64, Bool) {
        let (s, o1) = a.addingReportingOverflow(b)
        let (t, o2) = s.addingReportingOverflow(carry ? 1 : 0)
        return (t, o1 || o2)
    }

    private static func subtract(_ a: UInt64, _ b: UInt64, borrow: Bool) -> (UInt64, Bool) {
        let (s, o1) = a.subtractingReportingOverflow(b)
        let (t, o2) = s.subtractingReportingOverflow(borrow ? 1 : 0)
        return (t, o1 || o2)
    }

    /// The 32 bytes of the sum, little-endian.
    var littleEndianBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for w in [w0, w1, w2, w3] {
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: w >> (8 * UInt64(i)))) }
        }
        return out
    }

    var fingerprint: Fingerprint { Fingerprint(sum: self) }
}
