import Foundation

/// Turns a value's bytes into text according to its `CHARSET` parameter.
///
/// Old clients label text with many charset names, and often label windows-1252 as ISO-8859-1;
/// like web browsers (WHATWG Encoding), we read ISO-8859-1 as windows-1252, which only differs
/// in the C1 control range that nobody puts in a contact.
enum CharsetDecoder {
    enum Problem: Equatable {
        /// The charset name is unknown; the text was read as UTF-8 or windows-1252.
        case unknownCharset(String)
        /// The bytes are not valid UTF-8 although no charset or UTF-8 was declared; they were
        /// read as windows-1252, which is what Outlook writes.
        case notUTF8
    }

    static func decode(_ bytes: [UInt8], charset: String?) -> (text: String, problem: Problem?) {
        let name = charset?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch name {
        case "", "utf-8", "utf8", "us-ascii", "ascii":
            return utf8OrWindows1252(bytes)
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
             "windows-1252", "cp1252", "win-1252", "x-cp1252", "ansi":
            return (windows1252(bytes), nil)
        default:
            if let encoding = foundationEncodings[name],
               let text = String(data: Data(bytes), encoding: encoding) {
                return (text, nil)
            }
            let fallback = utf8OrWindows1252(bytes)
            return (fallback.text, .unknownCharset(charset ?? ""))
        }
    }

    static func utf8OrWindows1252(_ bytes: [UInt8]) -> (text: String, problem: Problem?) {
        if let text = String(validating: bytes, as: UTF8.self) { return (text, nil) }
        return (windows1252(bytes), .notUTF8)
    }

    static func windows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte) {
                let value = c1Range[Int(byte - 0x80)]
                scalars.append(Unicode.Scalar(value) ?? Unicode.Scalar(byte))
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// windows-1252 bytes 0x80...0x9F; the five undefined bytes map to their C1 controls.
    private static let c1Range: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    private static let foundationEncodings: [String: String.Encoding] = [
        "utf-16": .utf16, "utf-16le": .utf16LittleEndian, "utf-16be": .utf16BigEndian,
        "shift_jis": .shiftJIS, "shift-jis": .shiftJIS, "sjis": .shiftJIS,
        "euc-jp": .japaneseEUC, "iso-2022-jp": .iso2022JP,
        "iso-8859-2": .isoLatin2, "windows-1250": .windowsCP1250, "windows-1251": .windowsCP1251,
        "windows-1253": .windowsCP1253, "windows-1254": .windowsCP1254,
    ]
}
