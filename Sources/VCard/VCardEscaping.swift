/// Backslash escaping of property values (RFC 6350 §3.4, RFC 2426 §4).
///
/// Values are kept escaped in `VCardProperty.rawValue` so that a `;` that separates fields and
/// an escaped `\;` inside a field stay distinct; these helpers split first and unescape after.
public enum VCardEscaping {
    /// Undoes `\\`, `\,`, `\;`, `\:` and `\n` or `\N`.
    ///
    /// An unknown sequence such as `\U` keeps its backslash: old clients wrote Windows paths
    /// unescaped, and dropping the backslash would corrupt them.
    public static func unescape<S: StringProtocol>(_ text: S) -> String {
        var out = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\" else { out.append(scalar); continue }
            guard let next = iterator.next() else { out.append(scalar); break }
            switch next {
            case "n", "N": out.append("\n")
            case "\\", ",", ";", ":": out.append(next)
            default: out.append(scalar); out.append(next)
            }
        }
        return String(out)
    }

    /// Escapes one text value: `\`, `,`, `;` and newlines (CRLF, CR or LF become `\n`).
    ///
    /// RFC 6350 requires escaping commas even in single-valued properties, for consistency.
    public static func escapeText(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case ",": out.append(contentsOf: "\\,".unicodeScalars)
            case ";": out.append(contentsOf: "\\;".unicodeScalars)
            case "\r": out.append(contentsOf: "\\n".unicodeScalars)
            case "\n": if !previousWasCR { out.append(contentsOf: "\\n".unicodeScalars) }
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Replaces literal line breaks with `\n` and leaves everything else alone, for values whose
    /// structure is unknown: a raw line break would end the content line.
    public static func escapeLineBreaks(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\r": out.append(contentsOf: "\\n".unicodeScalars)
            case "\n": if !previousWasCR { out.append(contentsOf: "\\n".unicodeScalars) }
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Splits escaped text on a separator that is not escaped; the pieces stay escaped.
    public static func split(_ raw: String, on separator: Unicode.Scalar) -> [String] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var iterator = raw.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\\" {
                current.append(scalar)
                if let next = iterator.next() { current.append(next) }
            } else if scalar == separator {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        pieces.append(String(current))
        return pieces
    }

    /// Escapes a structured value: fields joined by `;`, the values of each field by `,`.
    public static func joinStructured(_ fields: [[String]]) -> String {
        fields.map { $0.map(escapeText).joined(separator: ",") }.joined(separator: ";")
    }

    /// Splits a structured raw value into fields, each split into its unescaped values.
    public static func splitStructured(_ raw: String) -> [[String]] {
        split(raw, on: ";").map { split($0, on: ",").map(unescape) }
    }
}
