/// A content line split into group, name, parameter tokens and value bytes, before decoding.
///
/// Parameters stay unparsed tokens here because how to read them (RFC 6868 carets) depends on
/// the card's `VERSION`, which may come after the line that needs it.
struct ContentLine {
    let lineNumber: Int
    let group: String?
    /// Upper-cased.
    let name: String
    let parameterTokens: [String]
    let value: [UInt8]

    enum Parsed {
        case line(ContentLine)
        case malformed(VCardWarning.Kind)
    }

    static func parse(_ logical: LogicalLine) -> Parsed {
        let bytes = logical.bytes
        guard let colon = headEnd(bytes) else { return .malformed(.missingColon) }
        let head = CharsetDecoder.utf8OrWindows1252(Array(bytes[..<colon])).text
        let tokens = splitOutsideQuotes(head, on: ";")
        let fullName = (tokens.first ?? "").trimmed()
        var group: String?
        var name = fullName
        if let dot = fullName.lastIndex(of: ".") {
            group = String(fullName[..<dot])
            name = String(fullName[fullName.index(after: dot)...])
        }
        guard isToken(name), group.map({ isToken($0) }) ?? true else {
            return .malformed(.invalidName(String(fullName.prefix(40))))
        }
        return .line(ContentLine(
            lineNumber: logical.lineNumber,
            group: group,
            name: name.uppercased(),
            parameterTokens: Array(tokens.dropFirst()),
            value: Array(bytes[(colon + 1)...])
        ))
    }

    /// True for `BEGIN:VCARD`, in any case and with stray spaces.
    var isBegin: Bool { name == "BEGIN" && valueIsVCard }
    var isEnd: Bool { name == "END" && valueIsVCard }

    private var valueIsVCard: Bool {
        String(decoding: value, as: UTF8.self).trimmed().uppercased() == "VCARD"
    }

    /// The first colon outside double quotes; if quotes never close, simply the first colon.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        var inQuotes = false
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if byte == UInt8(ascii: ":"), !inQuotes { return index }
        }
        return bytes.firstIndex(of: UInt8(ascii: ":"))
    }

    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
                || $0 == "-" || $0 == "_"
        }
    }

    /// Splits on a separator outside double quotes, keeping the quotes in the pieces.
    static func splitOutsideQuotes(_ text: String, on separator: Character) -> [String] {
        var pieces: [String] = []
        var current = ""
        var inQuotes = false
        for character in text {
            if character == "\"" { inQuotes.toggle() }
            if character == separator, !inQuotes {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmed() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
