/// Writes jCard, the JSON form of vCard 4.0 (RFC 7095).
///
/// It carries exactly the properties of the 4.0 output, typed: `["vcard", [[name, {params},
/// type, value…], …]]`, with names and parameter names in lower case, the group as a `group`
/// parameter, structured values (`N`, `ADR`) as arrays of fields, list values (`CATEGORIES`) as further
/// elements, and dates in the extended format. JSON is written by hand with sorted keys and no
/// whitespace, so the output is deterministic.
public struct JCardWriter: Sendable {
    public init() {}

    /// One card: `["vcard", [...]]`.
    public func write(_ card: VCard) -> String {
        var entries = [#"["version",{},"text","4.0"]"#]
        for property in VCardExport.version4Properties(of: card) {
            entries.append(entry(for: property))
        }
        return #"["vcard",["# + entries.joined(separator: ",") + "]]"
    }

    /// Several cards as a JSON array of jCards, even when there is only one, so that the
    /// shape does not depend on the count.
    public func write(_ cards: [VCard]) -> String {
        "[" + cards.map(write).joined(separator: ",") + "]"
    }

    private func entry(for property: VCardProperty) -> String {
        var parameters: [(String, [String])] = []
        if let group = property.group { parameters.append(("group", [group])) }
        for (name, values) in property.parameters where name != "VALUE" && !values.isEmpty {
            parameters.append((name.lowercased(), values))
        }
        parameters.sort { $0.0 < $1.0 }
        let parameterJSON = "{" + parameters.map { name, values in
            let value = values.count == 1 ? Self.string(values[0])
                                          : "[" + values.map(Self.string).joined(separator: ",") + "]"
            return Self.string(name) + ":" + value
        }.joined(separator: ",") + "}"

        let kind = property.kind
        let type = kind.jCardTypeName(valueParameter: property.parameters["VALUE"]?.first)
        var values: [String]
        switch kind {
        case .text, .languageTag:
            values = [Self.string(property.value)]
        case .textList:
            values = property.listValues.map(Self.string)
        case .structured:
            let fields = property.structuredValue.map { field in
                field.count == 1 ? Self.string(field[0])
                                 : "[" + field.map(Self.string).joined(separator: ",") + "]"
            }
            // A single field (`ORG:Acme`, `GENDER:F`) is a plain string, as RFC 7095 §3.3.1.3
            // allows and as ical.js writes it.
            values = [fields.count == 1 ? fields[0] : "[" + fields.joined(separator: ",") + "]"]
        case .uri:
            values = [Self.string(property.rawValue)]
        case .dateAndOrTime, .timestamp:
            values = [Self.string(DateValue.extended(property.rawValue))]
        case .unknown:
            // RFC 7095 §5: a value of unknown type is the unprocessed value text.
            values = [Self.string(property.rawValue)]
        }
        let items = [Self.string(property.name.lowercased()), parameterJSON, Self.string(type)] + values
        return "[" + items.joined(separator: ",") + "]"
    }

    /// A JSON string literal (RFC 8259 §7).
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
