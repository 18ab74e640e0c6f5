/// How a property's value is escaped and typed, decided by its name and `VALUE` parameter.
///
/// vCard escaping depends on the value type: a URI such as a `data:` URI must keep its commas
/// and semicolons, while text must escape them. A property this module does not know keeps its
/// text exactly as written, because only its writer knows whether `;` separated fields there.
public enum VCardValueKind: Sendable, Hashable {
    /// One text value (`FN`, `NOTE`, `EMAIL`, `TEL`): `\`, `,`, `;` and newlines are escaped.
    case text
    /// Text values separated by commas (`CATEGORIES`, `NICKNAME`).
    case textList
    /// Fields separated by `;` (`N`, `ADR`, `ORG`, `GENDER`); in `N` and `ADR` each field is
    /// itself a comma-separated list.
    case structured
    /// A URI (`URL`, `PHOTO`, `IMPP`, `UID`), never escaped.
    case uri
    /// A date, time or both (`BDAY`, `ANNIVERSARY`), stored in the basic format of RFC 6350.
    case dateAndOrTime
    /// A UTC time stamp (`REV`), stored in the basic format.
    case timestamp
    /// A language tag (`LANG`).
    case languageTag
    /// Any other property: the value is kept as written, escapes and all.
    case unknown

    /// The kind of a property's value: the `VALUE` parameter wins over the name's default.
    public static func of(propertyName: String, valueParameter: String?) -> VCardValueKind {
        let name = propertyName.uppercased()
        let byName = defaults[name] ?? .unknown
        guard let value = valueParameter?.lowercased() else { return byName }
        switch value {
        case "text", "phone-number":
            return byName == .textList || byName == .structured ? byName : .text
        case "uri", "url", "content-id", "cid":
            return .uri
        case "date", "time", "date-time", "date-and-or-time":
            return .dateAndOrTime
        case "timestamp":
            return .timestamp
        case "language-tag":
            return .languageTag
        default:
            return byName == .unknown ? .unknown : (byName == .text ? .text : .unknown)
        }
    }

    /// The jCard (RFC 7095) value type name: the `VALUE` parameter if present, else the default.
    func jCardTypeName(valueParameter: String?) -> String {
        if let value = valueParameter?.lowercased(), !value.isEmpty {
            return value == "url" ? "uri" : value
        }
        switch self {
        case .text, .textList, .structured: return "text"
        case .uri: return "uri"
        case .dateAndOrTime: return "date-and-or-time"
        case .timestamp: return "timestamp"
        case .languageTag: return "language-tag"
        case .unknown: return "unknown"
        }
    }

    private static let defaults: [String: VCardValueKind] = {
        var table: [String: VCardValueKind] = [:]
        for name in ["N", "ADR", "ORG", "GENDER", "CLIENTPIDMAP"] { table[name] = .structured }
        for name in ["CATEGORIES", "NICKNAME"] { table[name] = .textList }
        for name in ["FN", "NOTE", "TITLE", "ROLE", "EMAIL", "TEL", "LABEL", "MAILER", "PRODID",
                     "SORT-STRING", "KIND", "TZ", "CLASS", "XML", "NAME"] { table[name] = .text }
        for name in ["URL", "PHOTO", "LOGO", "SOUND", "KEY", "IMPP", "SOURCE", "FBURL", "CALURI",
                     "CALADRURI", "MEMBER", "RELATED", "GEO", "UID"] { table[name] = .uri }
        for name in ["BDAY", "ANNIVERSARY", "DEATHDATE"] { table[name] = .dateAndOrTime }
        table["REV"] = .timestamp
        table["LANG"] = .languageTag
        return table
    }()
}
