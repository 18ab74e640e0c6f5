/// A problem the lenient parser worked around, with the physical line it starts on.
///
/// Real clients write junk: a line cut by a mail program, a stray `=` in quoted-printable, an
/// undeclared windows-1252 byte. Refusing the whole file for one such line would lose every
/// other contact in it, so the parser skips or repairs the line and reports it here.
public struct VCardWarning: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based physical line where the problem starts.
    public let line: Int
    public let kind: Kind

    public init(line: Int, kind: Kind) {
        self.line = line
        self.kind = kind
    }

    public enum Kind: Sendable, Hashable {
        /// A line with no colon, so no value; it was skipped.
        case missingColon
        /// A property or group name with characters a name cannot have; the line was skipped.
        case invalidName(String)
        /// A parameter whose name has characters a name cannot have; the parameter was dropped.
        case invalidParameter(String, property: String)
        /// A line outside `BEGIN:VCARD` … `END:VCARD`; it was skipped.
        case lineOutsideCard
        /// A vCard inside a vCard (a 2.1 `AGENT`); it was skipped.
        case nestedCard
        /// The file ended inside a card; the card was kept.
        case missingEnd
        /// The card has no `VERSION`; it was read as 3.0.
        case missingVersion
        /// The card's `VERSION` is not 2.1, 3.0 or 4.0; it was read as the nearest of them.
        case unsupportedVersion(String)
        /// A malformed `=` escape in quoted-printable; it was kept as a literal `=`.
        case invalidQuotedPrintable(property: String)
        /// An unknown `CHARSET`; the value was read as UTF-8, or windows-1252 if not UTF-8.
        case unknownCharset(String, property: String)
        /// Bytes that are not UTF-8 and no charset saying what they are; they were read as
        /// windows-1252, which is what Outlook writes.
        case notUTF8(property: String)
        /// Inline binary data that is not base64; the property was skipped.
        case invalidBase64(property: String)
    }

    public var description: String {
        "line \(line): " + {
            switch kind {
            case .missingColon: "no colon, so no value; line skipped"
            case .invalidName(let name): "invalid property name \"\(name)\"; line skipped"
            case .invalidParameter(let parameter, let property): "\(property): invalid parameter \"\(parameter)\"; parameter dropped"
            case .lineOutsideCard: "text outside BEGIN:VCARD … END:VCARD; line skipped"
            case .nestedCard: "a vCard nested inside another (AGENT); skipped"
            case .missingEnd: "the file ends inside a card (no END:VCARD); card kept"
            case .missingVersion: "no VERSION; read as 3.0"
            case .unsupportedVersion(let version): "unsupported VERSION \(version); read as the nearest known version"
            case .invalidQuotedPrintable(let property): "\(property): malformed quoted-printable; '=' kept as is"
            case .unknownCharset(let charset, let property): "\(property): unknown CHARSET \(charset); read as UTF-8 or windows-1252"
            case .notUTF8(let property): "\(property): not UTF-8 and no CHARSET; read as windows-1252"
            case .invalidBase64(let property): "\(property): inline data is not valid base64; property skipped"
            }
        }()
    }
}
