import GrapevineCore
import GrapevineMerge

// The store's answers to queries, as domain values (identities, entry ids, stamps, the digest).
// GrapevineCLI shapes them into text and JSON; the raw-value enums are the words both use.

/// A known card with the fields a contact list shows; the CLI shapes it (`ContactJSON`).
public struct ContactSummary: Sendable, Equatable {
    public var identity: PublicIdentity
    public var name: String
    public var org: String
    public var title: String
    public var locality: String
    /// Connections-only fields of the card; the reader lowers it by those it can open.
    public var privateFields: Int = 0
}

/// Who may read a card field: everyone, or only the holders of its author's card key.
public enum FieldVisibility: String, Codable, Sendable, Equatable {
    case `public`
    case connections
}

/// What this node can do with a connections-only value: read it, not read it because it holds
/// no key of that id, or not read it because the key it holds does not open it.
public enum FieldAccess: String, Codable, Sendable, Equatable {
    case readable
    case `private`
    case unreadable
}

/// A value this node saw for a field before a newer entry replaced it.
public struct SupersededValue: Sendable, Equatable {
    public var values: [CardItem]
    public var stamp: HLCStamp
    public var entryID: EntryID
    public var visibility: FieldVisibility
    /// Nil for a public value; for a sealed one, whether this node could open it.
    public var access: FieldAccess?
    /// The sealed bytes, for the reader to open.
    public var sealed: SealedValue?
}

/// The current value of one field, the entry it comes from, and what it replaced.
public struct FieldProvenance: Sendable, Equatable {
    public var field: String
    public var values: [CardItem]
    public var stamp: HLCStamp
    public var entryID: EntryID
    /// Newest first, at most ``DerivedTables/historyPerField``.
    public var superseded: [SupersededValue]
    public var visibility: FieldVisibility
    /// Nil for a public field; for a sealed one, whether this node could open it.
    public var access: FieldAccess?
    /// The sealed bytes, for the reader to open.
    public var sealed: SealedValue?
}

/// One card with per-field provenance. `fields` is sorted by field name. The CLI shapes it
/// (`ShowJSON`, `CardJSON`).
public struct CardDetail: Sendable, Equatable {
    public var identity: PublicIdentity
    public var fields: [FieldProvenance]
}

/// A shortest chain of mutual connections between two identities; the CLI words it (`PathJSON`,
/// `PathDescription`).
public struct PathResult: Sendable, Equatable {
    public var from: PublicIdentity
    public var to: PublicIdentity
    public var reachable: Bool
    /// Number of hops; nil when unreachable.
    public var length: Int?
    public var path: [PublicIdentity]
    /// `from`'s contacts that lie on some shortest path, so any of them can introduce `from` onward.
    public var introducers: [PublicIdentity]
}

/// Where an introduction stands, from the answers of the two people introduced.
public enum IntroductionState: String, Codable, Sendable, Equatable {
    case pending
    case accepted
    case declined
    case partiallyAccepted = "partially-accepted"

    /// Declined if either declined, accepted if both accepted, partially accepted if one did.
    static func from(answerA: IntroductionAnswer.Answer?, answerB: IntroductionAnswer.Answer?) -> IntroductionState {
        if answerA == .decline || answerB == .decline { return .declined }
        switch (answerA, answerB) {
        case (.accept, .accept): return .accepted
        case (.accept, _), (_, .accept): return .partiallyAccepted
        default: return .pending
        }
    }
}

/// One introduction and its state; the CLI shapes it (`IntroJSON`).
public struct IntroductionSummary: Sendable, Equatable {
    public var id: EntryID
    public var introducer: PublicIdentity
    public var a: PublicIdentity
    public var b: PublicIdentity
    public var note: String
    public var stamp: HLCStamp
    public var state: IntroductionState
    /// Each side's answer, nil while it has not answered.
    public var answerA: IntroductionAnswer.Answer?
    public var answerB: IntroductionAnswer.Answer?
}

/// The store at a glance.
public struct StoreStats: Sendable, Equatable {
    /// Retained entries per kind name.
    public var entriesByKind: [String: Int]
    public var authors: Int
    public var retained: Int
    public var pruned: Int
    public var quarantined: Int
    public var rejections: [String: Int]
    /// Entries an upgrade re-checked and refused, kept apart by reason (PROTOCOL.md §15.5).
    public var setAside: [String: Int]
    /// The fingerprint of the retained set, as peers compare it.
    public var digest: Fingerprint
}

/// An identity this store has heard of, with the display name its card gives, if any.
public struct KnownIdentity: Sendable, Equatable {
    public var identity: PublicIdentity
    /// `fn`, else `n`, else empty.
    public var name: String

    public init(identity: PublicIdentity, name: String) {
        self.identity = identity
        self.name = name
    }
}

/// One person's connections as both sides recorded them.
public struct ConnectionLists: Sendable, Equatable {
    /// Connected in both directions.
    public var mutual: [PublicIdentity]
    /// The person recorded a connection to these, who have not recorded one back.
    public var waitingForThem: [PublicIdentity]
    /// These recorded a connection to the person, who has not recorded one back.
    public var waitingForMe: [PublicIdentity]

    /// Everyone the person recorded a connection to, mutual or not, sorted by key.
    public var recorded: [PublicIdentity] { (mutual + waitingForThem).sorted() }
}

/// An edge's current state and the stamp of the entry that set it.
public struct EdgeRecord: Sendable, Equatable {
    public var state: EdgeState
    public var stamp: HLCStamp

    public init(state: EdgeState, stamp: HLCStamp) {
        self.state = state
        self.stamp = stamp
    }
}

/// Someone's current answer to an introduction and the stamp of the entry that gave it.
public struct AnswerRecord: Sendable, Equatable {
    public var answer: IntroductionAnswer.Answer
    public var stamp: HLCStamp

    public init(answer: IntroductionAnswer.Answer, stamp: HLCStamp) {
        self.answer = answer
        self.stamp = stamp
    }
}
