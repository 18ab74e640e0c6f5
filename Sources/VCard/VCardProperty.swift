/// One property of a vCard, such as `item1.EMAIL;TYPE=work:jane@example.com`.
///
/// The value is kept in `rawValue` in its escaped wire form, because only there can a `;` that
/// separates the fields of `N` be told from an escaped `\;` inside a field. `value`,
/// `components`, `structuredValue` and `listValues` give the unescaped views. Transport details
/// are already undone by the parser: quoted-printable and `CHARSET` are decoded, and inline
/// base64 data is a `data:` URI as in vCard 4.0, so a property means the same whichever version
/// it was read from.
public struct VCardProperty: Sendable, Hashable {
    /// The group before the dot, such as `item1`, as written; nil when there is none.
    public var group: String?
    /// The property name, upper-cased.
    public var name: String
    /// Parameter names upper-cased, each to its values; `TYPE` values are lower-cased and split.
    public var parameters: [String: [String]]
    /// The value in escaped wire form (see the type's documentation); URIs and dates are never
    /// escaped.
    public var rawValue: String

    /// Builds a property from an already escaped value; parameters are normalized as the parser
    /// does, so a property built in code equals the same property read from a file.
    public init(group: String? = nil, name: String, parameters: [String: [String]] = [:],
                rawValue: String) {
        self.group = group.flatMap { $0.isEmpty ? nil : $0 }
        self.name = name.uppercased()
        self.parameters = VCardParameters.normalized(parameters)
        self.rawValue = rawValue
    }

    /// Builds a property from one unescaped value, escaped as the property's kind requires.
    public init(group: String? = nil, name: String, parameters: [String: [String]] = [:],
                value: String) {
        self.init(group: group, name: name, parameters: parameters, rawValue: "")
        switch kind {
        case .text, .textList, .structured: rawValue = VCardEscaping.escapeText(value)
        case .unknown: rawValue = VCardEscaping.escapeLineBreaks(value)
        case .uri, .dateAndOrTime, .timestamp, .languageTag: rawValue = value
        }
    }

    /// Builds a structured property such as `N` or `ADR` from its fields.
    public init(group: String? = nil, name: String, parameters: [String: [String]] = [:],
                fields: [[String]]) {
        self.init(group: group, name: name, parameters: parameters,
                  rawValue: VCardEscaping.joinStructured(fields))
    }

    /// Builds a comma-separated list property such as `CATEGORIES`.
    public init(group: String? = nil, name: String, parameters: [String: [String]] = [:],
                list: [String]) {
        self.init(group: group, name: name, parameters: parameters,
                  rawValue: list.map(VCardEscaping.escapeText).joined(separator: ","))
    }

    /// How the value is escaped and typed, from the name and the `VALUE` parameter.
    public var kind: VCardValueKind {
        VCardValueKind.of(propertyName: name, valueParameter: parameters["VALUE"]?.first)
    }

    /// The whole value unescaped. For structured values the fields stay joined by `;`; use
    /// `components` or `structuredValue` to tell them apart.
    public var value: String {
        switch kind {
        case .uri, .dateAndOrTime, .timestamp, .languageTag: rawValue
        case .text, .textList, .structured, .unknown: VCardEscaping.unescape(rawValue)
        }
    }

    /// The fields split on unescaped `;`, each unescaped (`N`: family, given, additional,
    /// prefixes, suffixes).
    public var components: [String] {
        VCardEscaping.split(rawValue, on: ";").map(VCardEscaping.unescape)
    }

    /// The fields split on unescaped `;`, and each field's values on unescaped `,`.
    public var structuredValue: [[String]] { VCardEscaping.splitStructured(rawValue) }

    /// The values split on unescaped `,` (`CATEGORIES`, `NICKNAME`), each unescaped.
    public var listValues: [String] {
        VCardEscaping.split(rawValue, on: ",").map(VCardEscaping.unescape)
    }

    /// The `TYPE` values, lower-case, such as `["work", "voice"]`.
    public var types: [String] { parameters["TYPE"] ?? [] }

    /// True when `TYPE` includes this type (compared without regard to case).
    public func hasType(_ type: String) -> Bool { types.contains(type.lowercased()) }

    /// The `PREF` value, 1 being the most preferred; 2.1 and 3.0 `TYPE=pref` reads as 1.
    public var preference: Int? { parameters["PREF"]?.first.flatMap { Int($0) } }

    /// The media type and bytes of a `data:` URI value such as an inline `PHOTO`, or nil.
    public var inlineData: (mediaType: String, bytes: [UInt8])? {
        guard kind == .uri, let parsed = DataURI(rawValue) else { return nil }
        return (parsed.mediaType, parsed.bytes)
    }
}
