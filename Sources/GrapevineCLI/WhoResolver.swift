import Foundation
import GrapevineCore
import GrapevineStore

/// Turns a WHO argument into one identity: the identity's text form, a unique prefix of it, or
/// a unique display name (case-insensitive). Ambiguous and unknown WHOs fail with the
/// candidates and their fingerprints, because display names are chosen by their owners and a
/// user must be able to tell two people called "Jeff" apart.
public struct WhoResolver: Sendable {
    public let known: [KnownIdentity]
    public let me: PublicIdentity

    public init(known: [KnownIdentity], me: PublicIdentity) {
        self.known = known
        self.me = me
    }

    /// How a WHO was matched; writes that matched by name print the resolved fingerprint.
    public enum Match: Sendable, Equatable {
        case identity
        case prefix
        case name
    }

    public struct Resolved: Sendable, Equatable {
        public var identity: PublicIdentity
        public var match: Match
    }

    /// The display name of a known identity, nil when it has none.
    public func name(of identity: PublicIdentity) -> String? {
        guard let entry = known.first(where: { $0.identity == identity }), !entry.name.isEmpty else { return nil }
        return entry.name
    }

    /// Resolves `who`; see the type's documentation.
    public func resolve(_ who: String, role: String = "WHO") throws(CLIError) -> Resolved {
        let text = who.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            throw CLIError("\(role) is empty: give an identity, a prefix of one, or a display name")
        }
        let lower = text.lowercased()
        if lower.hasPrefix(PublicIdentity.textPrefix) && lower.count >= PublicIdentity.textLength {
            do {
                return Resolved(identity: try PublicIdentity(parsing: text), match: .identity)
            } catch {
                throw CLIError("\(role) \"\(text)\" is not an identity: \(error.description)")
            }
        }
        let byName = known.filter { !$0.name.isEmpty && $0.name.lowercased() == lower }
        let byPrefix = lower.hasPrefix(PublicIdentity.textPrefix)
            ? known.filter { $0.identity.text.hasPrefix(lower) } : []
        let matches = byName + byPrefix.filter { candidate in !byName.contains(candidate) }
        if matches.count == 1, let only = matches.first {
            return Resolved(identity: only.identity, match: byName.isEmpty ? .prefix : .name)
        }
        if matches.count > 1 {
            throw CLIError(
                "\(role) \"\(text)\" matches \(matches.count) people: give more of the identity to choose one",
                details: candidateLines(matches))
        }
        let similar = known.filter { !$0.name.isEmpty && $0.name.lowercased().contains(lower) }
        if similar.isEmpty {
            throw CLIError(
                "no one known here matches \(role) \"\(text)\": check the spelling, or use the identity that `grapevine id` prints on their node (see `grapevine contacts`)")
        }
        throw CLIError(
            "no one known here is called \"\(text)\": use one of these names or identities",
            details: candidateLines(similar))
    }

    /// One line per candidate: name, fingerprint and identity, aligned.
    public func candidateLines(_ candidates: [KnownIdentity]) -> [String] {
        let rows = candidates.map { candidate in
            [candidate.name.isEmpty ? "(no name)" : candidate.name, candidate.identity.fingerprint,
             candidate.identity.text + (candidate.identity == me ? "  (me)" : "")]
        }
        return TextTable(rows: rows).lines.map { "  " + $0 }
    }
}
