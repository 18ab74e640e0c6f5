import Foundation
import GrapevineCore
import GrapevineStore

/// The `--json` shapes of the commands, documented in docs/CLI.md. Keys are sorted and never
/// renamed, so scripts can rely on them.
public enum JSONOutput {
    /// Pretty-printed JSON with sorted keys and unescaped slashes.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }
}

/// `id --json` and `init --json`.
public struct IdentityJSON: Codable, Sendable, Equatable {
    public var id: String
    public var fingerprint: String
    public var home: String

    public init(id: PublicIdentity, home: GrapevineHome) {
        self.id = id.text
        self.fingerprint = id.fingerprint
        self.home = home.path
    }
}

/// `card show --json`: the fields of one card, field name to values.
public struct CardJSON: Codable, Sendable, Equatable {
    public var id: String
    public var fingerprint: String
    /// The fields this node can read: public ones, and connections-only ones it holds the key of.
    public var fields: [String: [CardItem]]
    /// `public` or `connections`, for every field that holds a value, readable or not.
    public var visibility: [String: String]
    /// Connections-only fields this node holds no key for, and those its key does not open.
    public var privateFields: [String]
    public var unreadableFields: [String]

    public init(id: PublicIdentity, card: CardDetail) {
        self.id = id.text
        self.fingerprint = id.fingerprint
        self.fields = CardEditing.values(of: card)
        var visibility: [String: String] = [:]
        for field in card.fields where !field.values.isEmpty || field.access != nil {
            visibility[field.field] = field.visibility.rawValue
        }
        self.visibility = visibility
        self.privateFields = card.fields.filter { $0.access == .private }.map(\.field)
        self.unreadableFields = card.fields.filter { $0.access == .unreadable }.map(\.field)
    }
}

/// One row of `contacts --json`.
public struct ContactJSON: Codable, Sendable, Equatable {
    public var id: String
    public var fingerprint: String
    public var name: String
    public var org: String
    public var title: String
    public var locality: String
    public var me: Bool
    /// The ``NameFlag`` raw values of the name.
    public var flags: [String]
    /// How many connections-only fields of the card this node cannot read.
    public var privateFields: Int

    public init(_ summary: ContactSummary, person: ShownPerson) {
        id = summary.identity.text
        fingerprint = person.fingerprint
        name = summary.name
        org = summary.org
        title = summary.title
        locality = summary.locality
        me = person.isMe
        flags = person.flags.map(\.rawValue)
        privateFields = summary.privateFields
    }
}

/// One field in `show --json`: its values, the entry they come from, and what they replaced.
public struct FieldJSON: Codable, Sendable, Equatable {
    public var field: String
    public var values: [CardItem]
    /// `millis.counter`.
    public var stamp: String
    public var entryID: String
    /// Newest first.
    public var superseded: [SupersededJSON]
    public var visibility: FieldVisibility
    /// Absent for a public field; for a sealed one, whether this node could open it.
    public var access: FieldAccess?

    public init(_ field: FieldProvenance) {
        self.field = field.field
        values = field.values
        stamp = field.stamp.description
        entryID = field.entryID.hex
        superseded = field.superseded.map(SupersededJSON.init)
        visibility = field.visibility
        access = field.access
    }
}

/// A value a field held before, in `show --json`.
public struct SupersededJSON: Codable, Sendable, Equatable {
    public var values: [CardItem]
    public var stamp: String
    public var entryID: String
    public var visibility: FieldVisibility
    public var access: FieldAccess?

    public init(_ old: SupersededValue) {
        values = old.values
        stamp = old.stamp.description
        entryID = old.entryID.hex
        visibility = old.visibility
        access = old.access
    }
}

/// `show --json`: the store's per-field provenance plus the mutual connections.
public struct ShowJSON: Codable, Sendable, Equatable {
    public var id: String
    public var fingerprint: String
    public var name: String
    public var fields: [FieldJSON]
    public var connections: [String]
    /// The ``NameFlag`` raw values of the name.
    public var flags: [String]

    public init(_ person: ShownPerson, fields: [FieldProvenance], connections: [PublicIdentity]) {
        id = person.identity.text
        fingerprint = person.fingerprint
        name = person.name
        self.fields = fields.map(FieldJSON.init)
        self.connections = connections.map(\.text)
        flags = person.flags.map(\.rawValue)
    }
}

/// `path --json`. `hops` is null, and `path` empty, when the target is unreachable.
public struct PathJSON: Encodable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var hops: Int?
    public var path: [String]
    public var introducers: [String]
    /// Each identity of `path`, in order, with its name, fingerprint and flags.
    public var people: [PersonJSON]

    /// `person` gives the person as listings show them.
    public init(_ result: PathResult, people person: (PublicIdentity) -> ShownPerson) {
        from = result.from.text
        to = result.to.text
        hops = result.reachable ? result.length : nil
        path = result.path.map(\.text)
        introducers = result.introducers.map(\.text)
        people = result.path.map(person).map(PersonJSON.init)
    }

    enum CodingKeys: String, CodingKey {
        case from, to, hops, path, introducers, people
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(hops, forKey: .hops)
        try container.encode(path, forKey: .path)
        try container.encode(introducers, forKey: .introducers)
        try container.encode(people, forKey: .people)
    }
}

/// One element of `intros --json`.
public struct IntroJSON: Encodable, Sendable, Equatable {
    public var id: String
    public var state: String
    public var introducer: String
    public var a: String
    public var b: String
    public var note: String
    public var stamp: String
    public var answerA: String?
    public var answerB: String?
    /// Whether the introducer is my mutual connection.
    public var introducerMutual: Bool
    /// The introducer, A and B with names, fingerprints and flags.
    public var people: IntroPeopleJSON?

    /// `person` gives the person as listings show them.
    public init(_ summary: IntroductionSummary, introducerMutual: Bool, people person: (PublicIdentity) -> ShownPerson) {
        self.introducerMutual = introducerMutual
        people = IntroPeopleJSON(introducer: PersonJSON(person(summary.introducer)), a: PersonJSON(person(summary.a)),
                                 b: PersonJSON(person(summary.b)))
        id = summary.id.hex
        state = summary.state.rawValue
        introducer = summary.introducer.text
        a = summary.a.text
        b = summary.b.text
        note = summary.note
        stamp = summary.stamp.description
        answerA = summary.answerA.map(Self.answerName)
        answerB = summary.answerB.map(Self.answerName)
    }

    /// `accept` or `decline`.
    static func answerName(_ answer: IntroductionAnswer.Answer) -> String {
        answer == .accept ? "accept" : "decline"
    }

    enum CodingKeys: String, CodingKey {
        case id, state, introducer, a, b, note, stamp, answerA, answerB, introducerMutual, people
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(state, forKey: .state)
        try container.encode(introducer, forKey: .introducer)
        try container.encode(a, forKey: .a)
        try container.encode(b, forKey: .b)
        try container.encode(note, forKey: .note)
        try container.encode(stamp, forKey: .stamp)
        try container.encode(answerA, forKey: .answerA)
        try container.encode(answerB, forKey: .answerB)
        try container.encode(introducerMutual, forKey: .introducerMutual)
        try container.encode(people, forKey: .people)
    }
}

/// The people of one introduction in `intros --json`.
public struct IntroPeopleJSON: Codable, Sendable, Equatable {
    public var introducer: PersonJSON
    public var a: PersonJSON
    public var b: PersonJSON
}

/// `inspect --json`.
public struct InspectJSON: Codable, Sendable, Equatable {
    public var id: String
    public var digest: String
    /// Retained entries.
    public var entries: Int
    public var entriesByKind: [String: Int]
    public var authors: Int
    public var pruned: Int
    public var quarantined: Int
    public var rejections: [String: Int]
    /// Stored entries that an upgrade re-checked and refused, by reason: kept apart, not deleted.
    public var setAside: [String: Int]

    public init(me: PublicIdentity, stats: StoreStats) {
        id = me.text
        digest = stats.digest.hex
        entries = stats.retained
        entriesByKind = stats.entriesByKind
        authors = stats.authors
        pruned = stats.pruned
        quarantined = stats.quarantined
        rejections = stats.rejections
        setAside = stats.setAside
    }
}

/// What a write command did, for `--json` on connect, disconnect, introduce, accept, decline
/// and card edits.
public struct WriteJSON: Codable, Sendable, Equatable {
    public var entry: String
    public var kind: String
    public var target: String?

    public init(entry: SignedEntry, target: PublicIdentity?) {
        self.entry = entry.id.hex
        self.kind = entry.kind.name
        self.target = target?.text
    }
}
