import Sodium

/// An entry's id: BLAKE2b-256 of the signing input, `"grapevine/entry/v1" ‖ 0x00 ‖ body`.
///
/// Held inline as four big-endian 64-bit words rather than an array, so an id costs no heap
/// allocation and compares (lexicographically by bytes) as four integer comparisons; the merge
/// core and the stores hold hundreds of thousands of them.
public struct EntryID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let length = 32
    /// Bytes 0..<8, 8..<16, 16..<24 and 24..<32, each read big-endian.
    public let w0: UInt64
    public let w1: UInt64
    public let w2: UInt64
    public let w3: UInt64

    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    public init?(bytes: [UInt8]) {
        guard let id = bytes.withUnsafeBytes({ EntryID(bytes: $0) }) else { return nil }
        self = id
    }

    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        self.init(bytes: Array(bytes))
    }

    /// Reads the id from raw memory (for example an SQLite blob) without copying it first.
    public init?(bytes raw: UnsafeRawBufferPointer) {
        guard raw.count == Self.length else { return nil }
        self.init(w0: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                  w1: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                  w2: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                  w3: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
    }

    /// The id of a body; the duplicate fast path derives it from the envelope without decoding the body.
    public init(hashing body: [UInt8]) {
        let digest = BLAKE2b.hash(SignedEntry.domain, body, outputLength: Self.length)
        guard let id = EntryID(bytes: digest) else { preconditionFailure("BLAKE2b-256 gives 32 bytes") }
        self = id
    }

    /// The 32 bytes of the id, in order.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.length) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            raw.storeBytes(of: w0.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: w1.bigEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: w2.bigEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: w3.bigEndian, toByteOffset: 24, as: UInt64.self)
            count = Self.length
        }
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: EntryID, rhs: EntryID) -> Bool {
        if lhs.w0 != rhs.w0 { return lhs.w0 < rhs.w0 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        return lhs.w3 < rhs.w3
    }
}
