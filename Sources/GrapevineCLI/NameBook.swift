import GrapevineCore
import GrapevineStore
import UnicodeSecurity

/// A warning shown beside a name, because names are chosen by their owners.
public enum NameFlag: String, Sendable, Equatable {
    /// Another card uses this name, or it looks like (UTS #39 skeleton) the name of someone I
    /// connected to, or mine.
    case sharedName = "shared-name"
    /// The name mixes scripts beyond what one writing system uses, as "Jеff" with a Cyrillic е does.
    case mixedScripts = "mixed-scripts"
    /// The name holds bidi controls or invisible characters, shown escaped.
    case hiddenCharacters = "hidden-characters"

    /// The words of the text output.
    public var words: String {
        switch self {
        case .sharedName: return "shared name"
        case .mixedScripts: return "mixed scripts"
        case .hiddenCharacters: return "hidden characters"
        }
    }
}

/// One person as every listing shows them: the name, escaped, the fingerprint beside it, and
/// the warnings.
public struct ShownPerson: Sendable, Equatable {
    public var identity: PublicIdentity
    /// The card's name as its owner wrote it (`fn`, else `n`), empty when it has none.
    public var name: String
    /// The name for a terminal: hidden characters escaped, "(no name)" when there is none.
    public var shownName: String
    public var flags: [NameFlag]
    public var isMe: Bool

    public var fingerprint: String { identity.fingerprint }

    /// "me" and the flags' words, for a table cell or a parenthesis; empty when there are none.
    public var remarks: String {
        ((isMe ? ["me"] : []) + flags.map(\.words)).joined(separator: ", ")
    }

    /// A table's fingerprint cell: the fingerprint, then any remarks in parentheses.
    public var fingerprintCell: String {
        fingerprint + (remarks.isEmpty ? "" : " (\(remarks))")
    }

    /// The person in a sentence: `Jeff [b55a-10bc-31cf-4530]`, then any remarks in parentheses,
    /// as in `Jeff [4c1e-…] (shared name, mixed scripts)`; `[fingerprint]` alone when nameless.
    public var label: String {
        let name = self.name.isEmpty ? "" : shownName + " "
        return name + "[" + fingerprint + "]" + (remarks.isEmpty ? "" : " (\(remarks))")
    }
}

/// The one place that decides how a person's name is displayed (see ``ShownPerson``): every
/// listing (contacts, show, card show, intros, path, connections, accept and decline) asks it.
/// This is a display rule, not a protocol rule: stores hold and converge on names as written.
public struct NameBook: Sendable {
    private let names: [PublicIdentity: String]
    private let me: PublicIdentity
    /// How many identities use each name, compared without regard to case.
    private let nameCounts: [String: Int]
    /// The skeletons of the names of the people I connected to, and of mine, with their owners.
    private let referenceSkeletons: [String: [PublicIdentity]]
    private let checker: SpoofChecker

    /// `known` are the identities the store has heard of, `connected` those I recorded a
    /// connection to.
    public init(known: [KnownIdentity], me: PublicIdentity, connected: [PublicIdentity]) throws(CLIError) {
        let checker: SpoofChecker
        do {
            checker = try SpoofChecker()
        } catch {
            throw CLIError(error.description)
        }
        var names: [PublicIdentity: String] = [:]
        var counts: [String: Int] = [:]
        for entry in known where !entry.name.isEmpty {
            names[entry.identity] = entry.name
            counts[Self.comparable(entry.name), default: 0] += 1
        }
        var skeletons: [String: [PublicIdentity]] = [:]
        for identity in [me] + connected {
            for skeleton in Self.skeletons(names[identity] ?? "", checker) {
                skeletons[skeleton, default: []].append(identity)
            }
        }
        self.names = names
        self.me = me
        self.nameCounts = counts
        self.referenceSkeletons = skeletons
        self.checker = checker
    }

    /// The person as every listing shows them.
    public func person(_ identity: PublicIdentity) -> ShownPerson {
        let name = names[identity] ?? ""
        guard !name.isEmpty else {
            return ShownPerson(identity: identity, name: "", shownName: "(no name)", flags: [], isMe: identity == me)
        }
        let escaped = NameText.escaped(name)
        let lookalike = Self.skeletons(name, checker).contains { skeleton in
            (referenceSkeletons[skeleton] ?? []).contains { $0 != identity }
        }
        var flags: [NameFlag] = []
        if (nameCounts[Self.comparable(name)] ?? 0) > 1 || lookalike { flags.append(.sharedName) }
        if checker.mixesScripts(NameText.visible(name)) { flags.append(.mixedScripts) }
        if escaped.escapedAny { flags.append(.hiddenCharacters) }
        return ShownPerson(identity: identity, name: name, shownName: escaped.text, flags: flags, isMe: identity == me)
    }

    /// The person whose identity has the text form `text` (as the node's snapshots hold them); nil if
    /// `text` is not an identity.
    public func person(text: String) -> ShownPerson? {
        (try? PublicIdentity(parsing: text)).map(person)
    }

    /// The person's label; see ``ShownPerson/label``.
    public func label(_ identity: PublicIdentity) -> String {
        person(identity).label
    }

    /// The name as a terminal shows it, escaped, nil when the card has none.
    public func shownName(_ identity: PublicIdentity) -> String? {
        let person = person(identity)
        return person.name.isEmpty ? nil : person.shownName
    }

    private static func comparable(_ name: String) -> String {
        NameText.visible(name).lowercased()
    }

    /// The skeletons of what the name looks like without its hidden characters, as written and
    /// in lower case: UTS #39 maps "I" to "l" but not "i", so "JennIfer" and "Jennlfer" meet as
    /// written, "JEFF" and "Jeff" in lower case. None for an empty name.
    private static func skeletons(_ name: String, _ checker: SpoofChecker) -> [String] {
        let visible = NameText.visible(name)
        guard !visible.isEmpty else { return [] }
        return [visible, visible.lowercased()].compactMap(checker.skeleton)
    }
}
