/// How text that other people chose (names, notes, card values) reaches a terminal: characters
/// that reorder or hide what follows are shown as escapes such as `\u{202E}`, so
/// "\u{202E}ffeJ" cannot pass for "Jeff". A display rule only: stored values are never changed.
public enum NameText {
    /// Invisible characters with no place in a name. U+200C and U+200D (the zero-width
    /// non-joiner and joiner) are not among them: Persian, Indic scripts and emoji need them.
    static let invisible: Set<UInt32> = [0x200B, 0x2060, 0xFEFF]

    /// Whether `scalar` is shown escaped: bidi controls (U+202A–U+202E, U+2066–U+2069 and the
    /// marks U+061C, U+200E, U+200F), the invisible characters above, and control characters and
    /// line or paragraph separators, which could move the cursor or break a table's line.
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isBidiControl || invisible.contains(scalar.value) { return true }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// `text` with every hidden character escaped as `\u{XXXX}`, and whether there was any.
    public static func escaped(_ text: String) -> (text: String, escapedAny: Bool) {
        guard text.unicodeScalars.contains(where: isHidden) else { return (text, false) }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isHidden(scalar) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return (String(result), true)
    }

    /// `text` without its hidden characters, for comparing what two names look like.
    static func visible(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !isHidden($0) }))
    }

    /// The name fields of a card, whose values `card set` and `init --name` check.
    static let nameFields: Set<String> = ["fn", "n"]

    /// Refuses a value for my own `fn` or `n` that is blank or holds hidden characters: other
    /// nodes would show the escapes and flag the name. Other fields pass unchecked.
    public static func checkOwnName(field: String, value: String) throws(CLIError) {
        guard nameFields.contains(field) else { return }
        if let hidden = value.unicodeScalars.first(where: isHidden) {
            let code = "\\u{\(String(hidden.value, radix: 16, uppercase: true))}"
            throw CLIError("\(field) holds \(code), a character that hides or reorders text: type the name without it (U+200C and U+200D are fine)")
        }
        let blank = value.unicodeScalars.allSatisfy { $0.properties.isWhitespace || (field == "n" && $0 == ";") }
        if blank {
            throw CLIError("\(field) is blank: give a name with letters in it, or clear the field with `grapevine card clear \(field)`")
        }
    }
}
