import GrapevineCore
import GrapevineStore

/// A person in `--json` output: the raw name with the flags a listing would show (see
/// ``NameBook``), so scripts see the same warnings as people do.
public struct PersonJSON: Codable, Sendable, Equatable {
    public var id: String
    public var fingerprint: String
    /// The card's name as its owner wrote it, empty when it has none.
    public var name: String
    /// ``NameFlag`` raw values: `shared-name`, `mixed-scripts`, `hidden-characters`.
    public var flags: [String]
    public var me: Bool

    public init(_ person: ShownPerson) {
        id = person.identity.text
        fingerprint = person.fingerprint
        name = person.name
        flags = person.flags.map(\.rawValue)
        me = person.isMe
    }
}

/// `connections --json`: my connections by who has recorded them.
public struct ConnectionsJSON: Codable, Sendable, Equatable {
    public var mutual: [PersonJSON]
    /// I connected to them; they have not connected back.
    public var waitingForThem: [PersonJSON]
    /// They connected to me; I have not connected back.
    public var waitingForMe: [PersonJSON]

    public init(_ lists: ConnectionLists, names: NameBook) {
        func people(_ identities: [PublicIdentity]) -> [PersonJSON] { identities.map { PersonJSON(names.person($0)) } }
        mutual = people(lists.mutual)
        waitingForThem = people(lists.waitingForThem)
        waitingForMe = people(lists.waitingForMe)
    }
}

/// `accept --json` and `decline --json`: the response written, who made the introduction,
/// whom it introduces me to, and what became of my connection to them.
public struct AnswerJSON: Codable, Sendable, Equatable {
    /// The response entry, or null when my answer already stood and nothing was written.
    public var entry: String?
    public var kind: String
    /// The other person's identity.
    public var target: String
    public var introduction: String
    public var introducer: PersonJSON
    public var other: PersonJSON
    /// `connected`, `already-connected`, `removed` or `unchanged`.
    public var connection: String

    public init(entry: SignedEntry?, introduction: String, introducer: ShownPerson, other: ShownPerson,
                connection: String) {
        self.entry = entry?.id.hex
        kind = EntryKind.introductionResponse.name
        target = other.identity.text
        self.introduction = introduction
        self.introducer = PersonJSON(introducer)
        self.other = PersonJSON(other)
        self.connection = connection
    }

    enum CodingKeys: String, CodingKey {
        case entry, kind, target, introduction, introducer, other, connection
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entry, forKey: .entry)
        try container.encode(kind, forKey: .kind)
        try container.encode(target, forKey: .target)
        try container.encode(introduction, forKey: .introduction)
        try container.encode(introducer, forKey: .introducer)
        try container.encode(other, forKey: .other)
        try container.encode(connection, forKey: .connection)
    }
}
