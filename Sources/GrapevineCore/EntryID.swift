import Sodium

/// An entry's id: BLAKE2b-256 of the signing input, `"grapevine/entry/v1" ‖ 0x00 ‖ body`.
public struct EntryID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let length = 32
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.length else { return nil }
        self.bytes = bytes
    }

    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        self.init(bytes: Array(bytes))
    }

    init(hashing body: [UInt8]) {
        self.bytes = BLAKE2b.hash(SignedEntry.domain, body, outputLength: Self.length)
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: EntryID, rhs: EntryID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
