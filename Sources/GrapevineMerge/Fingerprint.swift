import GrapevineCore
import Sodium

/// The fingerprint of a set of entry ids, as range-based reconciliation compares them:
/// `BLAKE2b-128("grapevine/set-fingerprint/v1" ‖ 0x00 ‖ sum ‖ count)`, where `sum` is the ids read as
/// little-endian 256-bit integers added modulo 2^256 (32 bytes, little-endian) and `count` is the
/// number of ids (8 bytes, little-endian). Two sets share a fingerprint only if they are equal,
/// barring a collision; the sum makes it cheap to maintain incrementally.
public struct Fingerprint: Hashable, Sendable, CustomStringConvertible {
    public static let domain = Array("grapevine/set-fingerprint/v1\u{0}".utf8)
    public static let length = 16

    /// The 16 bytes of the fingerprint.
    public let bytes: [UInt8]

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    /// The fingerprint of the empty set.
    public static let empty = Fingerprint(sum: .zero)

    /// The fingerprint of `ids`, computed from scratch; for checkers and tests.
    public init<S: Sequence>(ids: S) where S.Element == EntryID {
        var sum = IDSum.zero
        for id in ids { sum += IDSum(id) }
        self.init(sum: sum)
    }

    init(sum: IDSum) {
        var count = [UInt8]()
        count.reserveCapacity(8)
        let n = UInt64(clamping: sum.count)
        for i in 0..<8 { count.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        bytes = BLAKE2b.hash(Self.domain, sum.littleEndianBytes, count, outputLength: Self.length)
    }
}
