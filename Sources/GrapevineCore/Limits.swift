/// The bounds every node enforces on entries (PROTOCOL.md, "Limits").
///
/// One sealed datagram of 1200 bytes must carry a whole entry with room for its headers,
/// so the largest entry is 1100 bytes and the largest body 1000.
public enum Limits {
    /// The largest encoded `SignedEntry`.
    public static let maxEntrySize = 1100
    /// The largest `EntryBody`.
    public static let maxBodySize = 1000
    /// The largest replacement key of a kind this version does not know.
    public static let maxUnknownKeyLength = 64
    /// The longest card value in UTF-8 bytes, except `note`.
    public static let maxValueLength = 256
    /// The longest `note` (bio) in UTF-8 bytes; the only value that may contain newlines.
    public static let maxNoteLength = 700
    /// The most items in a multi-valued card field.
    public static let maxListLength = 8
    /// The longest type token of a card value, and the longest card field name.
    public static let maxTokenLength = 32
    /// The most addresses in an endpoint: room for a node's interface addresses (IPv4 and IPv6),
    /// its observed address and forwarded ones (PROTOCOL.md §5.4).
    public static let maxAddresses = 8
    /// The longest note on an introduction, in UTF-8 bytes.
    public static let maxIntroductionNoteLength = 280
    /// The largest datagram a node sends or accepts (PROTOCOL.md §10.1): below the MTU of any
    /// common path, so no datagram needs IP fragmentation.
    public static let maxDatagramSize = 1200
    /// What sealing adds to a payload (PROTOCOL.md §10.1): magic, sender key and nonce (57 bytes)
    /// and the 16-byte MAC.
    public static let sealingOverhead = 73
    /// The payload budget: the largest plaintext payload one sealed datagram carries (1127 bytes).
    /// The sealer, the engine and the node all take it from here.
    public static let payloadBudget = maxDatagramSize - sealingOverhead
}
