/// One field of the card registry and the vCard 4.0 property it maps to.
public struct CardFieldSpec: Sendable, Equatable {
    public let name: String
    public let vcardProperty: String
    public let isMultiValued: Bool
    public let maxValueLength: Int
    public let allowsNewlines: Bool
}

/// The card field registry of protocol v1 (PROTOCOL.md, "Card fields").
///
/// A card entry for a field outside the registry is valid if its name is a token; nodes keep
/// and forward it like any entry, but show only registry fields.
public enum CardFields {
    public static let all: [CardFieldSpec] = [
        single("fn", "FN"),
        single("n", "N"),
        single("org", "ORG"),
        single("title", "TITLE"),
        single("role", "ROLE"),
        CardFieldSpec(name: "note", vcardProperty: "NOTE", isMultiValued: false,
                      maxValueLength: Limits.maxNoteLength, allowsNewlines: true),
        single("locality", "ADR"),
        multi("email", "EMAIL"),
        multi("tel", "TEL"),
        multi("url", "URL"),
        multi("impp", "IMPP"),
        multi("categories", "CATEGORIES"),
    ]

    public static func spec(named name: String) -> CardFieldSpec? {
        all.first { $0.name == name }
    }

    private static func single(_ name: String, _ property: String) -> CardFieldSpec {
        CardFieldSpec(name: name, vcardProperty: property, isMultiValued: false,
                      maxValueLength: Limits.maxValueLength, allowsNewlines: false)
    }

    private static func multi(_ name: String, _ property: String) -> CardFieldSpec {
        CardFieldSpec(name: name, vcardProperty: property, isMultiValued: true,
                      maxValueLength: Limits.maxValueLength, allowsNewlines: false)
    }
}
