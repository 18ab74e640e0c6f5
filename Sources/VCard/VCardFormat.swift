/// The export formats, named as `grapevine export --format` names them.
///
/// One entry point for callers that take the format from the user, so that adding a format
/// does not touch them.
public enum VCardFormat: String, Sendable, Hashable, CaseIterable {
    case vcard4
    case vcard3
    case jcard

    /// The cards in this format; vCard text ends in CRLF, jCard is a JSON array of jCards.
    public func serialize(_ cards: [VCard]) -> String {
        switch self {
        case .vcard4: VCardWriter(target: .v4_0).write(cards)
        case .vcard3: VCardWriter(target: .v3_0).write(cards)
        case .jcard: JCardWriter().write(cards)
        }
    }

    /// The usual file extension, without the dot.
    public var fileExtension: String { self == .jcard ? "json" : "vcf" }

    /// The media type: `text/vcard` (RFC 6350) or `application/vcard+json` (RFC 7095).
    public var mediaType: String { self == .jcard ? "application/vcard+json" : "text/vcard" }
}
