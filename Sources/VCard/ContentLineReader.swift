/// One unfolded content line and the physical line it starts on, for warnings.
struct LogicalLine {
    let lineNumber: Int
    var bytes: [UInt8]
}

/// Splits a file into unfolded content lines (RFC 6350 §3.2), at the byte level.
///
/// It works on bytes because a 2.1 file may mix charsets from property to property; text is
/// decoded later, per property. It accepts CRLF, LF or CR line ends, continuation lines that
/// begin with a space or a tab, and two 2.1 habits: quoted-printable soft line breaks (`=` at
/// the end of a line) and base64 lines written without any leading space.
enum ContentLineReader {
    static func logicalLines(_ bytes: [UInt8]) -> [LogicalLine] {
        let physical = physicalLines(bytes)
        var result: [LogicalLine] = []
        var index = 0
        while index < physical.count {
            var current = physical[index]
            index += 1
            if current.bytes.allSatisfy(isWhitespace) { continue }
            let encoding = declaredEncoding(current.bytes)
            while index < physical.count {
                let next = physical[index].bytes
                if encoding == .quotedPrintable {
                    while let last = current.bytes.last, last == space || last == tab {
                        current.bytes.removeLast()
                    }
                    if current.bytes.last == UInt8(ascii: "="), !isEndLine(next) {
                        current.bytes.removeLast()
                        current.bytes += next
                        index += 1
                        continue
                    }
                }
                if let first = next.first, first == space || first == tab {
                    current.bytes += next.dropFirst()
                    index += 1
                    continue
                }
                if encoding == .base64, isBareBase64(next) {
                    current.bytes += next
                    index += 1
                    continue
                }
                break
            }
            result.append(current)
        }
        return result
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    private static func physicalLines(_ bytes: [UInt8]) -> [LogicalLine] {
        var lines: [LogicalLine] = []
        var start = 0
        var index = 0
        var number = 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(LogicalLine(lineNumber: number, bytes: Array(bytes[start..<index])))
                number += 1
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                index += 1
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count {
            lines.append(LogicalLine(lineNumber: number, bytes: Array(bytes[start...])))
        }
        return lines
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    private enum TransferEncoding { case none, quotedPrintable, base64 }

    /// Reads the encoding from the parameters, before the first colon, without a full parse:
    /// the encoding decides how the following lines join.
    private static func declaredEncoding(_ line: [UInt8]) -> TransferEncoding {
        let head = line.prefix { $0 != UInt8(ascii: ":") }
        let tokens = String(decoding: head, as: UTF8.self).uppercased().split(separator: ";").dropFirst()
        for token in tokens {
            let value = token.split(separator: "=", maxSplits: 1).last.map {
                $0.trimmed(of: [" ", "\""])
            } ?? ""
            if value == "QUOTED-PRINTABLE" { return .quotedPrintable }
            if value == "BASE64" || (value == "B" && token.contains("=")) { return .base64 }
        }
        return .none
    }

    private static func isEndLine(_ line: [UInt8]) -> Bool {
        String(decoding: line.prefix(9), as: UTF8.self).uppercased() == "END:VCARD"
    }

    /// A line of only base64 characters: it cannot be a property, which always has a colon.
    private static func isBareBase64(_ line: [UInt8]) -> Bool {
        !line.isEmpty && line.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"),
                 UInt8(ascii: "="):
                true
            default:
                false
            }
        }
    }
}

private extension Substring {
    func trimmed(of set: Set<Character>) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
