import Foundation
import GrapevineCore
import GrapevineStore

/// Turns a WHO argument into one identity: `me`, the identity's text form or a unique prefix of
/// it, a fingerprint or a unique prefix of one (dashes optional), or a unique display name
/// (case-insensitive). Ambiguous and unknown WHOs fail with the candidates and their
/// fingerprints, because display names are chosen by their owners and a user must be able to
/// tell two people called "Jeff" apart.
public struct WhoResolver: Sendable {
    public let known: [KnownIdentity]
    public let me: PublicIdentity
    /// How names are displayed, in the candidates and in every listing.
    public let names: NameBook

    /// The fewest hex digits a fingerprint prefix needs, so a short name such as "Abe" is not
    /// also read as a fingerprint.
    public static let minimumFingerprintDigits = 4

    /// `connected` are the people I recorded a connection to: names that look like theirs are flagged.
    public init(known: [KnownIdentity], me: PublicIdentity, connected: [PublicIdentity]) throws(CLIError) {
        self.known = known
        self.me = me
        self.names = try NameBook(known: known, me: me, connected: connected)
    }

    /// How a WHO was matched; writes that matched by name print the resolved fingerprint.
    public enum Match: Sendable, Equatable {
        case me
        case identity
        case prefix
        case fingerprint
        case name
    }

    public struct Resolved: Sendable, Equatable {
        public var identity: PublicIdentity
        public var match: Match
    }

    /// The name of a known identity as a terminal shows it (escaped), nil when it has none.
    public func name(of identity: PublicIdentity) -> String? {
        names.shownName(identity)
    }

    /// Resolves `who`; see the type's documentation. A full identity or a full fingerprint wins
    /// over a display name, so no one can take a name that shadows them.
    public func resolve(_ who: String, role: String = "WHO") throws(CLIError) -> Resolved {
        let text = who.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            throw CLIError("\(role) is empty: give `me`, an identity, a fingerprint, a prefix of one, or a display name")
        }
        let lower = text.lowercased()
        if lower == "me" { return Resolved(identity: me, match: .me) }
        if lower.hasPrefix(PublicIdentity.textPrefix) && lower.count >= PublicIdentity.textLength {
            do {
                return Resolved(identity: try PublicIdentity(parsing: text), match: .identity)
            } catch {
                throw CLIError("\(role) \"\(text)\" is not an identity: \(error.description)")
            }
        }
        let digits = Self.fingerprintDigits(lower)
        let byFingerprint = digits.map { digits in
            known.filter { Self.fingerprintDigits($0.identity.fingerprint)?.hasPrefix(digits) ?? false }
        } ?? []
        if let only = byFingerprint.first, byFingerprint.count == 1,
           digits == Self.fingerprintDigits(only.identity.fingerprint) {
            return Resolved(identity: only.identity, match: .fingerprint)
        }
        let byName = known.filter { !$0.name.isEmpty && $0.name.lowercased() == lower }
        let byPrefix = lower.hasPrefix(PublicIdentity.textPrefix)
            ? known.filter { $0.identity.text.hasPrefix(lower) } : []
        let matched = Set((byName + byPrefix + byFingerprint).map(\.identity))
        let matches = known.filter { matched.contains($0.identity) }
        if matches.count == 1, let only = matches.first {
            let match: Match = byName.contains(only) ? .name : byFingerprint.contains(only) ? .fingerprint : .prefix
            return Resolved(identity: only.identity, match: match)
        }
        if matches.count > 1 {
            throw CLIError(
                "\(role) \"\(text)\" matches \(matches.count) people: give their fingerprint, or more of it, to choose one",
                details: candidateLines(matches))
        }
        let similar = known.filter { !$0.name.isEmpty && $0.name.lowercased().contains(lower) }
        if similar.isEmpty {
            throw CLIError(
                "no one known here matches \(role) \"\(text)\": check the spelling, or use the fingerprint or identity that `grapevine id` prints on their node (see `grapevine contacts`)")
        }
        throw CLIError(
            "no one known here is called \"\(text)\": use one of these names, fingerprints or identities",
            details: candidateLines(similar))
    }

    /// The hex digits of a fingerprint or a prefix of one, without its dashes: nil unless `text`
    /// is hex digits and dashes, with ``minimumFingerprintDigits`` to 16 digits.
    static func fingerprintDigits(_ text: String) -> String? {
        let digits = text.lowercased().filter { $0 != "-" }
        guard digits.count >= minimumFingerprintDigits, digits.count <= 16,
              digits.allSatisfy({ $0.isASCII && $0.isHexDigit })
        else { return nil }
        return digits
    }

    /// One line per candidate: name, fingerprint and identity, aligned.
    public func candidateLines(_ candidates: [KnownIdentity]) -> [String] {
        let rows = candidates.map { candidate in
            let person = names.person(candidate.identity)
            return [person.shownName, person.fingerprintCell, candidate.identity.text]
        }
        return TextTable(rows: rows).lines.map { "  " + $0 }
    }
}
