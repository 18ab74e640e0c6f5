/// Writes vCard 4.0 (RFC 6350) or vCard 3.0 (RFC 2426) text.
///
/// Output is deterministic — properties in model order after `VERSION`, parameters sorted by
/// name — so that exports can be compared and tested byte for byte. Lines end in CRLF and are
/// folded at 75 octets. 4.0 output passes unknown properties through unchanged; 3.0 output
/// converts what 3.0 spells differently (see `Target.v3_0`).
public struct VCardWriter: Sendable {
    public enum Target: Sendable, Hashable {
        /// RFC 6350.
        case v4_0
        /// RFC 2426, for clients such as Outlook and older phones that do not read 4.0: `PREF`
        /// becomes `TYPE=pref`, `data:` URIs become `ENCODING=b`, 4.0-only properties such as
        /// `RELATED` get an `X-` prefix, 4.0-only parameters are dropped, and `N` and `FN`
        /// are always present. `CHARSET` is never written: the text is UTF-8.
        case v3_0
    }

    public var target: Target

    public init(target: Target) {
        self.target = target
    }

    /// One card, ending in CRLF.
    public func write(_ card: VCard) -> String {
        let version = target == .v4_0 ? "4.0" : "3.0"
        var lines = ["BEGIN:VCARD", "VERSION:\(version)"]
        let properties = target == .v4_0 ? VCardExport.version4Properties(of: card)
                                         : VCardExport.version3Properties(of: card)
        for property in properties {
            lines.append(LineFolder.fold(contentLine(property)))
        }
        lines.append("END:VCARD")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Several cards, one after another, as a `.vcf` file holds them.
    public func write(_ cards: [VCard]) -> String {
        cards.map(write).joined()
    }

    func contentLine(_ property: VCardProperty) -> String {
        var line = property.group.map { "\($0)." } ?? ""
        line += property.name.uppercased()
        for name in property.parameters.keys.sorted() {
            guard let values = property.parameters[name], !values.isEmpty else { continue }
            line += ";" + name.uppercased() + "=" + values.map(parameterValue).joined(separator: ",")
        }
        line += ":"
        switch property.kind {
        case .uri, .dateAndOrTime, .timestamp, .languageTag:
            line += property.rawValue.filter { $0 != "\r" && $0 != "\n" && $0 != "\r\n" }
        case .text, .textList, .structured, .unknown:
            line += VCardEscaping.escapeLineBreaks(property.rawValue)
        }
        return line
    }

    /// A parameter value, quoted when it holds `:`, `;` or `,`. 4.0 encodes newlines, quotes
    /// and carets per RFC 6868; 3.0 has no way to, so it turns them into a space and `'`.
    private func parameterValue(_ value: String) -> String {
        var encoded = ""
        var previousWasCR = false
        for scalar in value.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch (scalar, target) {
            case ("^", .v4_0): encoded += "^^"
            case ("\"", .v4_0): encoded += "^'"
            case ("\"", .v3_0): encoded += "'"
            case ("\r", .v4_0): encoded += "^n"
            case ("\n", .v4_0): if !previousWasCR { encoded += "^n" }
            case ("\r", .v3_0): encoded += " "
            case ("\n", .v3_0): if !previousWasCR { encoded += " " }
            default: encoded.unicodeScalars.append(scalar)
            }
        }
        if encoded.contains(where: { $0 == ":" || $0 == ";" || $0 == "," }) {
            return "\"\(encoded)\""
        }
        return encoded
    }
}
