import GrapevineCore
import GrapevineMerge

/// A range bound as frames carry it: a stamp and the shortest id prefix that separates the item
/// below from the item at or above (PROTOCOL.md §12.2), or `max`.
public struct WireBound: Sendable, Equatable, CustomStringConvertible {
    public let stamp: UInt64
    public let prefix: [UInt8]
    public let isMax: Bool

    public static let min = WireBound(stamp: 0, prefix: [])
    public static let max = WireBound(maxBound: ())

    public init(stamp: UInt64, prefix: [UInt8]) {
        self.stamp = stamp
        self.prefix = Array(prefix.prefix(EntryID.length))
        self.isMax = false
    }

    private init(maxBound: Void) {
        stamp = .max
        prefix = []
        isMax = true
    }

    /// The shortest bound `b` with `below < b <= item`: a new stamp needs no id bytes; an equal stamp
    /// needs the id up to and including the first byte that differs.
    public init(between below: (stamp: HLCStamp, id: EntryID)?, and item: (stamp: HLCStamp, id: EntryID)) {
        guard let below, below.stamp == item.stamp else {
            self.init(stamp: item.stamp.rawValue, prefix: [])
            return
        }
        let a = below.id.bytes
        let b = item.id.bytes
        var length = 0
        while length < EntryID.length, a[length] == b[length] { length += 1 }
        self.init(stamp: item.stamp.rawValue, prefix: Array(b.prefix(Swift.min(length + 1, EntryID.length))))
    }

    /// The index bound: the prefix padded with zero bytes.
    public var bound: ReconciliationIndex.Bound {
        isMax ? .max : ReconciliationIndex.Bound(stamp: HLCStamp(rawValue: stamp), idPrefix: prefix)
    }

    public var description: String { isMax ? "max" : "\(HLCStamp(rawValue: stamp))/\(Hex.encode(prefix))" }
}
