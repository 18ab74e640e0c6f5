import GrapevineCore
import GrapevineStore

/// Turns an INTRO argument into one introduction: its full hex id or a unique hex prefix.
public enum IntroResolver {
    /// Finds the introduction among `candidates` (those that involve me).
    public static func resolve(_ text: String, among candidates: [IntroductionSummary]) throws(CLIError)
        -> IntroductionSummary
    {
        let prefix = text.trimmingWhitespaceAndLowercased()
        guard !prefix.isEmpty, prefix.allSatisfy(\.isHexDigit) else {
            throw CLIError("INTRO \"\(text)\" is not an introduction id: use the hex id that `grapevine intros` prints")
        }
        let matches = candidates.filter { $0.id.hex.hasPrefix(prefix) }
        guard let first = matches.first else {
            throw CLIError("no introduction involving you has an id starting with \(prefix): see `grapevine intros`")
        }
        guard matches.count == 1 else {
            throw CLIError("INTRO \(prefix) matches \(matches.count) introductions: give more digits",
                           details: matches.map { "  " + $0.id.hex })
        }
        return first
    }
}

extension String {
    func trimmingWhitespaceAndLowercased() -> String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()).lowercased()
    }
}
