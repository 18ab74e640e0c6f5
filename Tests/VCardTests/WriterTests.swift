import Foundation
import Testing
@testable import VCard

/// vCard 4.0 and 3.0 output: structure, folding, escaping per value type, determinism.
@Suite("Writer")
struct WriterTests {
    private func sample() -> VCard {
        VCard(properties: [
            VCardProperty(name: "N", fields: [["Doe"], ["Jane"], ["Q"], [""], [""]]),
            VCardProperty(name: "FN", value: "Jane Doe"),
            VCardProperty(name: "NOTE", value: "Likes a, b; and c\\d\nnext line"),
            VCardProperty(group: "item1", name: "EMAIL", parameters: ["TYPE": ["work"], "PREF": ["1"]],
                          value: "jane@example.com"),
            VCardProperty(name: "TEL", parameters: ["TYPE": ["cell"]], value: "+1 555 0100"),
            VCardProperty(name: "URL", value: "https://example.com/a,b;c"),
            VCardProperty(name: "PHOTO", value: "data:image/png;base64," + Data(repeating: 7, count: 120).base64EncodedString()),
            VCardProperty(name: "RELATED", parameters: ["TYPE": ["contact"]], value: "urn:uuid:0000"),
            VCardProperty(name: "CATEGORIES", list: ["friends", "a,b"]),
            VCardProperty(name: "ADR", parameters: ["LABEL": ["1 Main St\nSpringfield"], "TYPE": ["home"]],
                          fields: [[""], [""], ["1 Main St"], ["Springfield"], [""], ["12345"], [""]]),
            VCardProperty(name: "BDAY", value: "19850412"),
        ])
    }

    /// Physical lines, without the final empty piece after the last CRLF.
    private func physicalLines(_ text: String) -> [Substring] {
        Array(text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast())
    }

    @Test("4.0: BEGIN, VERSION right after, END, CRLF only, lines of at most 75 octets")
    func structure4() {
        let text = VCardWriter(target: .v4_0).write(sample())
        let lines = physicalLines(text)
        #expect(lines.first == "BEGIN:VCARD")
        #expect(lines.dropFirst().first == "VERSION:4.0")
        #expect(lines.last == "END:VCARD")
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains { $0 == "\r" || $0 == "\n" })
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.contains { $0.hasPrefix(" ") }, "the PHOTO line must be folded")
    }

    @Test("folding never splits a UTF-8 sequence", arguments: [1, 2, 3, 4])
    func foldingUTF8(_ offset: Int) throws {
        let value = String(repeating: "x", count: offset) + String(repeating: "é😀漢", count: 40)
        let text = VCardWriter(target: .v4_0).write(VCard(properties: [VCardProperty(name: "FN", value: value)]))
        let bytes = Array(text.utf8)
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
            let line = Array(bytes[start..<index])
            #expect(line.count <= 76) // 75 octets and the CR
            #expect(String(validating: line, as: UTF8.self) != nil, "a physical line is not valid UTF-8")
            start = index + 1
        }
        #expect(try VCardParser().parse(text).cards.first?.formattedName == value)
    }

    @Test("escaping follows the value type: text escaped, URIs and dates not")
    func escaping() {
        let text = VCardWriter(target: .v4_0).write(sample())
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains(#"NOTE:Likes a\, b\; and c\\d\nnext line"#))
        #expect(unfolded.contains("URL:https://example.com/a,b;c\r\n"))
        #expect(unfolded.contains("PHOTO:data:image/png;base64,Bwc"))
        #expect(unfolded.contains(#"CATEGORIES:friends,a\,b"#))
        #expect(unfolded.contains("N:Doe;Jane;Q;;\r\n"))
        #expect(unfolded.contains("item1.EMAIL;PREF=1;TYPE=work:jane@example.com"))
        #expect(unfolded.contains(#"ADR;LABEL=1 Main St^nSpringfield;TYPE=home:;;1 Main St;Springfield;;12345;"#))
        #expect(unfolded.contains("BDAY:19850412"))
    }

    @Test("a card without FN gets one derived from N, ORG or EMAIL")
    func derivedFN() {
        let card = VCard(properties: [VCardProperty(name: "N", fields: [["Doe"], ["Jane"], [""], ["Dr."], [""]])])
        #expect(VCardWriter(target: .v4_0).write(card).contains("\r\nFN:Dr. Jane Doe\r\n"))
        let org = VCard(properties: [VCardProperty(name: "ORG", fields: [["Acme"], ["Labs"]])])
        #expect(VCardWriter(target: .v3_0).write(org).contains("\r\nFN:Acme\r\nN:;;;;\r\n"))
    }

    @Test("3.0: N and FN present, no CHARSET, TYPE=pref, ENCODING=b PHOTO, X- for 4.0-only properties")
    func version3() throws {
        let text = VCardWriter(target: .v3_0).write(sample())
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.hasPrefix("BEGIN:VCARD\r\nVERSION:3.0\r\n"))
        #expect(!unfolded.contains("CHARSET"))
        #expect(unfolded.contains("item1.EMAIL;TYPE=work,pref:jane@example.com"))
        #expect(unfolded.contains("PHOTO;ENCODING=b;TYPE=PNG:Bwc"))
        #expect(unfolded.contains("X-RELATED;TYPE=contact:urn:uuid:0000"))
        #expect(unfolded.contains("ADR;TYPE=home:;;1 Main St;Springfield;;12345;\r\nLABEL;TYPE=home:1 Main St\\nSpringfield\r\n"))
        #expect(physicalLines(text).allSatisfy { $0.utf8.count <= 75 })

        let reread = try #require(try VCardParser().parse(text).cards.first)
        #expect(reread.first("PHOTO") == sample().first("PHOTO"))
        #expect(reread.first("EMAIL") == sample().first("EMAIL"))
    }

    @Test("3.0: TEL uri, GEO uri and timestamps become their 3.0 forms")
    func version3Conversions() {
        let card = VCard(properties: [
            VCardProperty(name: "FN", value: "A"),
            VCardProperty(name: "TEL", parameters: ["VALUE": ["uri"]], value: "tel:+1-555-0100"),
            VCardProperty(name: "GEO", value: "geo:37.5,-122.25"),
            VCardProperty(name: "GENDER", fields: [["F"]]),
        ])
        let text = VCardWriter(target: .v3_0).write(card)
        #expect(text.contains("\r\nTEL:+1-555-0100\r\n"))
        #expect(text.contains("\r\nGEO;VALUE=float:37.5;-122.25\r\n"))
        #expect(text.contains("\r\nX-GENDER:F\r\n"))
    }

    @Test("output is deterministic: same card, same bytes, parameters sorted")
    func deterministic() {
        var shuffled = sample()
        shuffled.properties[3].parameters = ["PREF": ["1"], "TYPE": ["work"]]
        for format in VCardFormat.allCases {
            let first = format.serialize([sample()])
            #expect(first == format.serialize([sample()]))
            #expect(first == format.serialize([shuffled]))
        }
    }
}
