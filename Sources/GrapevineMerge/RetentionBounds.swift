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
    /// The kinds PROTOCOL.md §5.1 reserves: their bounds hold before their payloads are defined.
    public var grant: Int
    public var introductionRequest: Int
    public var deviceRecord: Int
    /// Per kind the table does not list.
    public var unknown: Int
    /// Quarantined entries held per author.
    public var quarantinePerAuthor: Int
    /// Quarantined entries held in all.
    public var quarantineTotal: Int

    public init(card: Int, endpoint: Int, edge: Int, introduction: Int, introductionResponse: Int,
                grant: Int, introductionRequest: Int, deviceRecord: Int,
                unknown: Int, quarantinePerAuthor: Int, quarantineTotal: Int) {
        self.card = card
        self.endpoint = endpoint
        self.edge = edge
        self.introduction = introduction
        self.introductionResponse = introductionResponse
        self.grant = grant
        self.introductionRequest = introductionRequest
        self.deviceRecord = deviceRecord
        self.unknown = unknown
        self.quarantinePerAuthor = quarantinePerAuthor
        self.quarantineTotal = quarantineTotal
    }

    /// Protocol v2, the bounds column of PROTOCOL.md §5.1 (the reasons are in §9.4): card 32, endpoint 1,
    /// edge 2048, introduction 256, introduction response 512, grant 2048 (one per connection, like
    /// edges), introduction request 256, device record 16, any kind the table does not list 64;
    /// quarantine 64 per author and 4096 in all.
    public static let v2 = RetentionBounds(
        card: 32, endpoint: 1, edge: 2048, introduction: 256, introductionResponse: 512,
        grant: 2048, introductionRequest: 256, deviceRecord: 16,
        unknown: 64, quarantinePerAuthor: 64, quarantineTotal: 4096)

    /// K for `kind`: how many winners of one author and that kind are retained.
    public func limit(for kind: EntryKind) -> Int {
        switch kind {
        case .card: return card
        case .endpoint: return endpoint
        case .edge: return edge
        case .introduction: return introduction
        case .introductionResponse: return introductionResponse
        case .grant: return grant
        case .introductionRequest: return introductionRequest
        case .deviceRecord: return deviceRecord
        default: return unknown
        }
    }
}
