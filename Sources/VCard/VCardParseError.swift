/// Why a file could not be read as vCards at all.
///
/// The parser is lenient: a bad line becomes a `VCardWarning` and the rest of the file is
/// still read. It throws only when there is nothing to import, or in strict mode, where the
/// first problem is an error so that a tool can refuse a file instead of repairing it.
public enum VCardParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No `BEGIN:VCARD` line anywhere: the file is empty or not a vCard.
    case noVCard
    /// Strict mode: the first problem that lenient parsing would have worked around, with its
    /// line number.
    case malformed(VCardWarning)

    public var description: String {
        switch self {
        case .noVCard:
            "no vCard found: the file has no BEGIN:VCARD line; export contacts as .vcf and try again"
        case .malformed(let warning):
            "malformed vCard at \(warning)"
        }
    }

    /// The line the error is about, when it is about one.
    public var line: Int? {
        switch self {
        case .noVCard: nil
        case .malformed(let warning): warning.line
        }
    }
}
