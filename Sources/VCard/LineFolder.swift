/// Folds content lines at 75 octets (RFC 6350 §3.2, RFC 2426 §2.6).
///
/// The limit counts UTF-8 bytes, not characters, and a fold never falls inside a UTF-8
/// sequence: a client that decodes each physical line on its own would otherwise see garbage.
enum LineFolder {
    static let maxOctets = 75

    /// The line folded into physical lines joined by CRLF and a space, without a final CRLF.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > maxOctets else { return line }
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var currentOctets = 0
        var limit = maxOctets
        for scalar in line.unicodeScalars {
            let octets = UTF8.width(scalar)
            if currentOctets + octets > limit {
                lines.append(String(current))
                current = String.UnicodeScalarView()
                currentOctets = 0
                limit = maxOctets - 1 // the leading space of a continuation counts
            }
            current.append(scalar)
            currentOctets += octets
        }
        lines.append(String(current))
        return lines.joined(separator: "\r\n ")
    }
}
