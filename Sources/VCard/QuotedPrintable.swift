/// Quoted-printable decoding (RFC 2045 §6.7), as vCard 2.1 clients use it for non-ASCII text.
///
/// Decoding works on bytes because the decoded bytes are in the property's `CHARSET`, which is
/// applied only afterwards.
enum QuotedPrintable {
    /// Decodes `=XX` escapes and soft line breaks. A malformed `=` is kept literally and reported,
    /// because a stray `=` in a hand-edited file should not cost the whole value.
    static func decode(_ input: [UInt8]) -> (bytes: [UInt8], isWellFormed: Bool) {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var wellFormed = true
        var index = 0
        while index < input.count {
            let byte = input[index]
            guard byte == UInt8(ascii: "=") else {
                out.append(byte)
                index += 1
                continue
            }
            // A soft line break that survived unfolding: "=" CRLF or "=" LF.
            if index + 1 < input.count, input[index + 1] == 0x0A {
                index += 2
                continue
            }
            if index + 2 < input.count, input[index + 1] == 0x0D, input[index + 2] == 0x0A {
                index += 3
                continue
            }
            if index + 2 < input.count, let high = hexValue(input[index + 1]),
               let low = hexValue(input[index + 2]) {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            if index + 1 == input.count {
                // A trailing "=" is a soft break at the very end of the value.
                index += 1
                continue
            }
            wellFormed = false
            out.append(byte)
            index += 1
        }
        return (out, wellFormed)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
