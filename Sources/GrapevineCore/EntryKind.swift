/// The kind of an entry. A struct rather than an enum, because a node must carry kinds
/// that later versions define and it does not know.
///
/// Every number comes from the kinds table of PROTOCOL.md §5.1; no other place picks one.
public struct EntryKind: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    public static let card = EntryKind(rawValue: 1)
    public static let endpoint = EntryKind(rawValue: 2)
    public static let edge = EntryKind(rawValue: 3)
    public static let introduction = EntryKind(rawValue: 4)
    public static let introductionResponse = EntryKind(rawValue: 5)
    /// Private card fields: a card key sealed to one recipient (PROTOCOL.md §5.9.4).
    public static let grant = EntryKind(rawValue: 6)
    /// Reserved in v2 for the next round: asking a mutual connection for an introduction.
    public static let introductionRequest = EntryKind(rawValue: 7)
    /// Reserved in v2 for the next round: a device key that may sign for its identity.
    public static let deviceRecord = EntryKind(rawValue: 8)

    /// The kinds whose payloads this version parses and checks, in number order.
    public static let known: [EntryKind] = [.card, .endpoint, .edge, .introduction, .introductionResponse, .grant]
    /// The kinds the table reserves, with their bounds, whose payloads this version keeps opaque.
    public static let reserved: [EntryKind] = [.introductionRequest, .deviceRecord]

    public var isKnown: Bool { (1...6).contains(rawValue) }
    public var isReserved: Bool { (7...8).contains(rawValue) }

    /// The stable name used in vectors, JSON output and stats.
    public var name: String {
        switch rawValue {
        case 1: return "card"
        case 2: return "endpoint"
        case 3: return "edge"
        case 4: return "introduction"
        case 5: return "introduction-response"
        case 6: return "grant"
        case 7: return "introduction-request"
        case 8: return "device-record"
        default: return "kind-\(rawValue)"
        }
    }

    public var description: String { name }

    public static func < (lhs: EntryKind, rhs: EntryKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
