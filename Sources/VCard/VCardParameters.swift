/// Reads a property's parameter tokens into the normalized form the model keeps.
///
/// Clients spell the same parameter many ways: `TYPE=work,voice`, `type=WORK;type=pref`,
/// `TYPE="work,voice"` and the bare `;WORK;VOICE` of vCard 2.1 all mean the same thing, so they
/// become the same dictionary and compare equal.
enum VCardParameters {
    /// Parameter names are upper-cased; repeated parameters merge; `TYPE` values are split on
    /// commas, lower-cased and deduplicated; `TYPE=pref` becomes `PREF=1` (the 4.0 form);
    /// `VALUE` is lower-cased with the 2.1 `url` read as `uri`; empty `TYPE`s disappear.
    /// Parameters whose name is not a token (Android writes `X-Custom(CHARSET=…,label)`) are
    /// dropped and returned in `invalid`, because writing them back would make invalid output.
    static func parse(_ tokens: [String], version: VCardVersion)
        -> (parameters: [String: [String]], invalid: [String]) {
        var parameters: [String: [String]] = [:]
        var invalid: [String] = []
        for token in tokens {
            let trimmedToken = token.trimmed()
            guard !trimmedToken.isEmpty else { continue }
            let name: String
            let values: [String]
            if let equals = indexOutsideQuotes(of: "=", in: trimmedToken) {
                name = trimmedToken[..<equals].trimmed().uppercased()
                let valueText = String(trimmedToken[trimmedToken.index(after: equals)...])
                values = ContentLine.splitOutsideQuotes(valueText, on: ",").map {
                    let plain = unquote($0.trimmed())
                    return version == .v4_0 ? decodeCarets(plain) : plain
                }
            } else {
                (name, values) = classifyBare(trimmedToken)
            }
            guard !name.isEmpty else { continue }
            guard isToken(name) else {
                invalid.append(String(trimmedToken.prefix(40)))
                continue
            }
            parameters[name, default: []] += values
        }
        return (normalized(parameters), invalid)
    }

    /// Applies the normalization described on `parse` to parameters built in code.
    static func normalized(_ input: [String: [String]]) -> [String: [String]] {
        var parameters: [String: [String]] = [:]
        for (name, values) in input { parameters[name.uppercased(), default: []] += values }
        if let types = parameters["TYPE"] {
            var seen = Set<String>()
            var cleaned: [String] = []
            for type in types.flatMap({ $0.split(separator: ",") }) {
                let lower = type.trimmed().lowercased()
                if !lower.isEmpty, seen.insert(lower).inserted { cleaned.append(lower) }
            }
            if let pref = cleaned.firstIndex(of: "pref") {
                cleaned.remove(at: pref)
                if parameters["PREF"] == nil { parameters["PREF"] = ["1"] }
            }
            parameters["TYPE"] = cleaned.isEmpty ? nil : cleaned
        }
        if let values = parameters["VALUE"] {
            let lowered = values.map { $0.lowercased() == "url" ? "uri" : $0.lowercased() }
                .filter { $0 != "inline" && !$0.isEmpty }
            parameters["VALUE"] = lowered.isEmpty ? nil : lowered
        }
        return parameters
    }

    /// A 2.1 parameter without a name: an encoding, a value location, or else a type.
    private static func classifyBare(_ token: String) -> (String, [String]) {
        let upper = token.uppercased()
        switch upper {
        case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT": return ("ENCODING", [upper])
        case "INLINE", "URL", "URI", "CONTENT-ID", "CID": return ("VALUE", [upper.lowercased()])
        default: return ("TYPE", [token])
        }
    }

    private static func indexOutsideQuotes(of target: Character, in text: String) -> String.Index? {
        var inQuotes = false
        for index in text.indices {
            if text[index] == "\"" { inQuotes.toggle() }
            if text[index] == target, !inQuotes { return index }
        }
        return nil
    }

    private static func isToken(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    private static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast())
    }

    /// RFC 6868: `^n` is a newline, `^'` a double quote, `^^` a caret; others stay as written.
    private static func decodeCarets(_ text: String) -> String {
        guard text.contains("^") else { return text }
        var out = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "^" else { out.append(character); continue }
            guard let next = iterator.next() else { out.append(character); break }
            switch next {
            case "n", "N": out.append("\n")
            case "'": out.append("\"")
            case "^": out.append("^")
            default: out.append(character); out.append(next)
            }
        }
        return out
    }
}
