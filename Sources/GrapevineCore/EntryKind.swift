/// The kind of an entry. A struct rather than an enum, because a node must carry kinds
/// that later versions define and it does not know.
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
    /// A card key sealed to one recipient, for private card fields.
    public static let grant = EntryKind(rawValue: 6)

    /// The kinds this version understands, in number order.
    public static let known: [EntryKind] = [.card, .endpoint, .edge, .introduction, .introductionResponse, .grant]

    public var isKnown: Bool { (1...6).contains(rawValue) }

    /// The stable name used in vectors, JSON output and stats.
    public var name: String {
        switch rawValue {
        case 1: return "card"
        case 2: return "endpoint"
        case 3: return "edge"
        case 4: return "introduction"
        case 5: return "introduction-response"
        case 6: return "grant"
        default: return "kind-\(rawValue)"
        }
    }

    public var description: String { name }

    public static func < (lhs: EntryKind, rhs: EntryKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
