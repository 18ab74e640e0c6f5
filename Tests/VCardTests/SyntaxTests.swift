import Foundation
import Testing
@testable import VCard

/// The syntax rules, one at a time, on small inline cards.
@Suite("Syntax")
struct SyntaxTests {
    private func card(_ body: String, version: String = "3.0", newline: String = "\r\n") throws -> VCard {
        let text = ["BEGIN:VCARD", "VERSION:\(version)", body, "END:VCARD", ""].joined(separator: newline)
        let result = try VCardParser().parse(text)
        #expect(result.warnings == [])
        return try #require(result.cards.first)
    }

    @Test("every spelling of TYPE reads as the same parameters", arguments: [
        ("3.0", "TEL;TYPE=work,voice;TYPE=pref:1"),
        ("3.0", "TEL;type=WORK;type=VOICE;type=pref:1"),
        ("3.0", "TEL;TYPE=\"work,voice\";TYPE=PREF:1"),
        ("3.0", "TEL;TYPE=\"work\",\"voice\",\"pref\":1"),
        ("2.1", "TEL;WORK;VOICE;PREF:1"),
        ("2.1", "tel;Work;voice;TYPE=pref:1"),
        ("4.0", "TEL;TYPE=work,voice;PREF=1:1"),
        ("4.0", "TEL;TYPE=\"work,voice\";PREF=1:1"),
    ])
    func typeSpellings(_ version: String, _ line: String) throws {
        let tel = try #require(try card(line, version: version).first("TEL"))
        #expect(tel.parameters == ["TYPE": ["work", "voice"], "PREF": ["1"]])
        #expect(tel.value == "1")
    }

    @Test("escaped comma, semicolon, backslash and both newline spellings unescape")
    func escapes() throws {
        let note = try #require(try card(#"NOTE:a\,b\;c\\d\ne\Nf"#).first("NOTE"))
        #expect(note.value == "a,b;c\\d\ne\nf")
        #expect(note.rawValue == #"a\,b\;c\\d\ne\nf"#)
    }

    @Test("structured values split on unescaped separators only")
    func structured() throws {
        let n = try #require(try card(#"N:O\;Brien\, Jr;Pat,Patty;;;"#).first("N"))
        #expect(n.structuredValue == [["O;Brien, Jr"], ["Pat", "Patty"], [""], [""], [""]])
        #expect(n.components[0] == "O;Brien, Jr")
    }

    @Test("an unknown escape keeps its backslash, so Windows paths survive")
    func unknownEscape() throws {
        #expect(try card(#"NOTE:C:\Users\Public"#).first("NOTE")?.value == #"C:\Users\Public"#)
    }

    @Test("folding with a space or a tab, with CRLF or LF line ends", arguments: ["\r\n", "\n", "\r"])
    func folding(_ newline: String) throws {
        let body = "NOTE:one\(newline) two\(newline)\tthree\(newline)FN:x"
        let parsed = try card(body, newline: newline)
        #expect(parsed.first("NOTE")?.value == "onetwothree")
        #expect(parsed.formattedName == "x")
    }

    @Test("a fold may split a UTF-8 sequence; bytes are joined before decoding")
    func foldInsideUTF8() throws {
        var bytes = Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Z".utf8)
        let e = Array("é".utf8)
        bytes += [e[0]] + Array("\r\n ".utf8) + [e[1]] + Array("\r\nEND:VCARD\r\n".utf8)
        let result = try VCardParser().parse(Data(bytes))
        #expect(result.cards.first?.formattedName == "Zé")
        #expect(result.warnings == [])
    }

    @Test("2.1 quoted-printable soft line breaks join lines, in UTF-8 and ISO-8859-1")
    func quotedPrintable() throws {
        let utf8 = try card("NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Gr=C3=BC=\r\n=C3=9Fe=0D=0A=\r\nzwei", version: "2.1")
        #expect(utf8.first("NOTE")?.value == "Grüße\nzwei")
        let latin1 = try card("NOTE;QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Gr=FC=DFe =80", version: "2.1")
        #expect(latin1.first("NOTE")?.value == "Grüße €")
    }

    @Test("base64 in every spelling becomes the same data: URI")
    func base64Spellings() throws {
        let payload = Data((0..<90).map { UInt8($0) }).base64EncodedString()
        let half = payload.index(payload.startIndex, offsetBy: 60)
        let folded = "\(payload[..<half])\r\n \(payload[half...])"
        let spellings = [
            ("3.0", "PHOTO;ENCODING=b;TYPE=JPEG:\(folded)"),
            ("3.0", "PHOTO;encoding=B;type=jpeg:\(folded)"),
            ("2.1", "PHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n    \(payload[..<half])\r\n    \(payload[half...])\r\n"),
            ("2.1", "PHOTO;JPEG;BASE64:\(payload[..<half])\r\n\(payload[half...])\r\n"),
            ("4.0", "PHOTO:data:image/jpeg;base64,\(folded)"),
        ]
        for (version, line) in spellings {
            let photo = try #require(try card(line, version: version).first("PHOTO"))
            #expect(photo.rawValue == "data:image/jpeg;base64,\(payload)", "\(line)")
            #expect(photo.parameters == [:])
            #expect(photo.inlineData?.bytes == (0..<90).map { UInt8($0) })
        }
    }

    @Test("multiple cards per file, with a UTF-8 byte order mark")
    func multipleCards() throws {
        let text = "\u{FEFF}BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nBEGIN:VCARD\nVERSION:4.0\nFN:B\nEND:VCARD\n"
        let result = try VCardParser().parse(Data(text.utf8))
        #expect(result.cards.map(\.formattedName) == ["A", "B"])
        #expect(result.cards.map(\.version) == [.v3_0, .v4_0])
    }

    @Test("UTF-16 files from Windows tools are read")
    func utf16() throws {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë\r\nEND:VCARD\r\n"
        var data = Data([0xFF, 0xFE])
        data.append(try #require(text.data(using: .utf16LittleEndian)))
        #expect(try VCardParser().parse(data).cards.first?.formattedName == "Zoë")
    }

    @Test("groups keep their spelling and names are upper-cased")
    func groups() throws {
        let parsed = try card("item1.email;type=INTERNET:a@example.com\r\nitem1.X-ABLabel:Other")
        let email = try #require(parsed.first("EMAIL"))
        #expect(email.group == "item1")
        #expect(email.name == "EMAIL")
        #expect(parsed.properties(inGroup: "ITEM1").map(\.name) == ["EMAIL", "X-ABLABEL"])
        #expect(parsed.label(of: email) == "Other")
    }

    @Test("4.0 parameter values decode RFC 6868 carets")
    func carets() throws {
        let adr = try #require(try card(#"ADR;LABEL="a^nb ^'c^' ^^":;;;;;;"#, version: "4.0").first("ADR"))
        #expect(adr.parameters["LABEL"] == ["a\nb \"c\" ^"])
    }

    @Test("3.0 dates, GEO and UID are normalized to their 4.0 forms")
    func versionNormalization() throws {
        let parsed = try card("BDAY:1990-01-02\r\nREV:2020-03-04T05:06:07.123+01:00\r\nGEO:37.38;-122.08\r\nUID:abc-123")
        #expect(parsed.first("BDAY")?.rawValue == "19900102")
        #expect(parsed.first("REV")?.rawValue == "20200304T050607+0100")
        #expect(parsed.first("GEO")?.rawValue == "geo:37.38,-122.08")
        #expect(parsed.first("UID")?.parameters["VALUE"] == ["text"])
    }

    @Test("properties built in code equal the same properties parsed")
    func builtEqualsParsed() throws {
        let parsed = try card("item2.TEL;TYPE=CELL;TYPE=pref:+1 555\r\nN:Doe;Jane;;;\r\nCATEGORIES:a\\,b,c")
        #expect(parsed.first("TEL") == VCardProperty(group: "item2", name: "tel",
                                                     parameters: ["type": ["Cell", "PREF"]],
                                                     value: "+1 555"))
        #expect(parsed.first("N") == VCardProperty(name: "N", fields: [["Doe"], ["Jane"], [""], [""], [""]]))
        #expect(parsed.first("CATEGORIES") == VCardProperty(name: "CATEGORIES", list: ["a,b", "c"]))
    }
}
