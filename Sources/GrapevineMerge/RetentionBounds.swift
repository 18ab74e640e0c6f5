import GrapevineCore

/// How many last-writer-wins winners each author keeps per kind, and how many far-future entries
/// quarantine holds. Every node of one protocol version must use the same bounds, or they would
/// retain different sets.
public struct RetentionBounds: Codable, Sendable, Equatable {
    public var card: Int
    public var endpoint: Int
    public var edge: Int
    public var introduction: Int
    public var introductionResponse: Int
    /// Per kind this version does not know.
    public var unknown: Int
    /// Quarantined entries held per author.
    public var quarantinePerAuthor: Int
    /// Quarantined entries held in all.
    public var quarantineTotal: Int

    public init(card: Int, endpoint: Int, edge: Int, introduction: Int, introductionResponse: Int,
                unknown: Int, quarantinePerAuthor: Int, quarantineTotal: Int) {
        self.card = card
        self.endpoint = endpoint
        self.edge = edge
        self.introduction = introduction
        self.introductionResponse = introductionResponse
        self.unknown = unknown
        self.quarantinePerAuthor = quarantinePerAuthor
        self.quarantineTotal = quarantineTotal
    }

    /// Protocol v1 (the reasons are in notes/merge-rules.md, to become PROTOCOL.md "Merge"):
    /// card 32 (the 12 registry fields plus room for fields later versions add), endpoint 1
    /// (one key), edge 2048 (connections), introduction 256 (add-only, so the bound is the only
    /// pruning), introduction response 512 (answers to introductions made by many people),
    /// unknown kinds 64; quarantine 64 per author and 4096 in all.
    public static let v1 = RetentionBounds(
        card: 32, endpoint: 1, edge: 2048, introduction: 256, introductionResponse: 512,
        unknown: 64, quarantinePerAuthor: 64, quarantineTotal: 4096)

    /// K for `kind`: how many winners of one author and that kind are retained.
    public func limit(for kind: EntryKind) -> Int {
        switch kind {
        case .card: return card
        case .endpoint: return endpoint
        case .edge: return edge
        case .introduction: return introduction
        case .introductionResponse: return introductionResponse
        default: return unknown
        }
    }
}
