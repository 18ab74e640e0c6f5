import GrapevineCore
import GrapevineMerge

/// One range of a reconciliation frame: its upper bound (the lower is the previous range's upper,
/// or the frame's `lower`) and what the sender says about its own ids in it.
public struct ReconcileRange: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        /// Settled: nothing to do.
        case skip
        /// The sender's fingerprint of the range (16 bytes, PROTOCOL.md §9.7).
        case fingerprint([UInt8])
        /// All the sender's ids in the range, ascending.
        case ids([EntryID])
    }

    public var upper: WireBound
    public var mode: Mode

    public init(upper: WireBound, mode: Mode) {
        self.upper = upper
        self.mode = mode
    }
}

/// A reconciliation frame: consecutive ranges from `lower` upwards, in the compact encoding of
/// PROTOCOL.md §12.3, inside a `GossipMessage`.
public struct ReconcileFrame: Sendable, Equatable {
    public var session: UInt64
    public var round: UInt32
    public var lower: WireBound
    public var ranges: [ReconcileRange]

    public init(session: UInt64, round: UInt32, lower: WireBound, ranges: [ReconcileRange]) {
        self.session = session
        self.round = round
        self.lower = lower
        self.ranges = ranges
    }

    static let maxMarker: UInt8 = 63

    /// The encoded size of one range after a bound of stamp `previousStamp`.
    static func encodedSize(of range: ReconcileRange, after previousStamp: UInt64) -> Int {
        var size = 1
        if !range.upper.isMax {
            size += Varint.size(range.upper.stamp &- previousStamp) + range.upper.prefix.count
        }
        switch range.mode {
        case .skip: break
        case .fingerprint: size += Fingerprint.length
        case .ids(let ids): size += Varint.size(UInt64(ids.count)) + ids.count * EntryID.length
        }
        return size
    }

    /// The `ranges` bytes: per range a header byte (mode in bits 0–1, id-prefix length in bits 2–7,
    /// 63 meaning `max`), the stamp delta as a varint and the prefix, then the mode's payload.
    public func encodedRanges() -> [UInt8] {
        var out: [UInt8] = []
        var previous = lower.stamp
        for range in ranges {
            let mode: UInt8
            switch range.mode {
            case .skip: mode = 0
            case .fingerprint: mode = 1
            case .ids: mode = 2
            }
            if range.upper.isMax {
                out.append(mode | Self.maxMarker << 2)
            } else {
                out.append(mode | UInt8(range.upper.prefix.count) << 2)
                Varint.append(range.upper.stamp &- previous, to: &out)
                out.append(contentsOf: range.upper.prefix)
                previous = range.upper.stamp
            }
            switch range.mode {
            case .skip: break
            case .fingerprint(let bytes): out.append(contentsOf: bytes)
            case .ids(let ids):
                Varint.append(UInt64(ids.count), to: &out)
                for id in ids { out.append(contentsOf: id.bytes) }
            }
        }
        return out
    }

    /// Decodes and checks the `ranges` bytes: bounds strictly ascending, nothing after `max`,
    /// payloads complete.
    public static func decodeRanges(_ bytes: [UInt8], lower: WireBound) throws(GossipDecodeError) -> [ReconcileRange] {
        var ranges: [ReconcileRange] = []
        var cursor = 0
        var previous = lower
        func fail(_ detail: String) -> GossipDecodeError { GossipDecodeError(.invalidRanges, detail) }
        while cursor < bytes.count {
            guard !previous.isMax else { throw fail("a range follows the max bound") }
            let header = bytes[cursor]
            cursor += 1
            let modeBits = header & 3
            let prefixLength = Int(header >> 2)
            let upper: WireBound
            if prefixLength == Int(maxMarker) {
                upper = .max
            } else {
                guard prefixLength <= EntryID.length else { throw fail("id prefix of \(prefixLength) bytes") }
                guard let delta = Varint.read(bytes, &cursor) else { throw fail("stamp delta cut short") }
                let (stamp, overflow) = previous.stamp.addingReportingOverflow(delta)
                guard !overflow else { throw fail("stamp overflows") }
                guard cursor + prefixLength <= bytes.count else { throw fail("id prefix cut short") }
                upper = WireBound(stamp: stamp, prefix: Array(bytes[cursor..<cursor + prefixLength]))
                cursor += prefixLength
            }
            guard previous.bound < upper.bound else { throw fail("bounds are not ascending") }
            let mode: ReconcileRange.Mode
            switch modeBits {
            case 0:
                mode = .skip
            case 1:
                guard cursor + Fingerprint.length <= bytes.count else { throw fail("fingerprint cut short") }
                mode = .fingerprint(Array(bytes[cursor..<cursor + Fingerprint.length]))
                cursor += Fingerprint.length
            case 2:
                guard let count = Varint.read(bytes, &cursor), count <= UInt64((bytes.count - cursor) / EntryID.length)
                else { throw fail("id list cut short") }
                var ids: [EntryID] = []
                ids.reserveCapacity(Int(count))
                for _ in 0..<Int(count) {
                    guard let id = EntryID(bytes: bytes[cursor..<cursor + EntryID.length]) else { throw fail("id cut short") }
                    ids.append(id)
                    cursor += EntryID.length
                }
                mode = .ids(ids)
            default:
                throw fail("mode 3 is reserved")
            }
            ranges.append(ReconcileRange(upper: upper, mode: mode))
            previous = upper
        }
        return ranges
    }
}

/// Protobuf-style base-128 varints for the compact range encoding.
enum Varint {
    static func size(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 {
            v >>= 7
            n += 1
        }
        return n
    }

    static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Reads a varint of at most 10 bytes; nil if cut short or too long.
    static func read(_ bytes: [UInt8], _ cursor: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while cursor < bytes.count, shift < 64 {
            let b = bytes[cursor]
            cursor += 1
            value |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
