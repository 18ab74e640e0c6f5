import Foundation
import GrapevineCore
import Testing
@testable import VCard

/// Junk in, cards and warnings out: the parser never traps and never loses the good lines.
@Suite("Lenience and errors")
struct LenienceTests {
    @Test("a broken file keeps its good cards and reports each problem with its line")
    func malformedFixture() throws {
        let result = try VCardParser().parse(Fixture.data(named: "malformed"))
        #expect(result.cards.map(\.formattedName) == ["Bob Broken", "Second Card"])
        let bob = result.cards[0]
        #expect(bob.first("ORG")?.value == "Café Ltd")
        #expect(bob.first("EMAIL")?.value == "bob@example.com")
        #expect(bob.first("TITLE")?.value == "Captain")
        #expect(bob.first("NOTE")?.value == "100=% sure =ZZ")
        #expect(!bob.properties.contains { $0.value == "Agent Smith" })
        let found = result.warnings.map { "\($0.line) \($0.kind)" }
        #expect(found == [
            "1 lineOutsideCard",
            "2 lineOutsideCard",
            "8 notUTF8(property: \"ORG\")",
            "9 missingColon",
            "10 invalidQuotedPrintable(property: \"NOTE\")",
            "11 invalidName(\"BAD NAME\")",
            "12 unknownCharset(\"x-klingon\", property: \"TITLE\")",
            "14 nestedCard",
            "20 lineOutsideCard",
            "21 missingEnd",
        ])
        #expect(result.warnings.allSatisfy { !$0.description.isEmpty })
    }

    @Test("strict mode throws the first problem with its line number")
    func strict() throws {
        let data = try Fixture.data(named: "malformed")
        #expect(throws: VCardParseError.malformed(VCardWarning(line: 1, kind: .lineOutsideCard))) {
            try VCardParser(options: .init(strict: true)).parse(data)
        }
        let clean = try Fixture.thunderbird.data()
        #expect(try VCardParser(options: .init(strict: true)).parse(clean).cards.count == 1)
    }

    @Test("input without BEGIN:VCARD throws noVCard", arguments: ["", "hello\n", "\u{0}\u{1}\u{2}"])
    func noVCard(_ text: String) {
        #expect(throws: VCardParseError.noVCard) { try VCardParser().parse(text) }
        #expect(VCardParseError.noVCard.description.contains("BEGIN:VCARD"))
    }

    @Test("a card without VERSION is read as 3.0 with a warning")
    func missingVersion() throws {
        let result = try VCardParser().parse("BEGIN:VCARD\nFN:A\nEND:VCARD\n")
        #expect(result.cards.first?.version == .v3_0)
        #expect(result.warnings == [VCardWarning(line: 1, kind: .missingVersion)])
    }

    @Test("invalid base64 skips the property and says which")
    func badBase64() throws {
        let result = try VCardParser().parse("BEGIN:VCARD\nVERSION:3.0\nFN:A\nPHOTO;ENCODING=b:@@@@\nEND:VCARD\n")
        #expect(result.cards.first?.first("PHOTO") == nil)
        #expect(result.warnings == [VCardWarning(line: 4, kind: .invalidBase64(property: "PHOTO"))])
    }

    @Test("mangled fixtures never trap", arguments: Fixture.allCases)
    func mutations(_ fixture: Fixture) throws {
        let original = [UInt8](try fixture.data())
        var generator = SeededRandom(seed: UInt64(original.count))
        let specials: [UInt8] = Array(":;=,\\\"\r\n .^".utf8) + [0x00, 0xC3, 0xFF]
        for _ in 0..<200 {
            var bytes = original
            for _ in 0..<1 + Int(generator.next() % 8) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[index] = specials[Int(generator.next() % UInt64(specials.count))]
                case 1: bytes.remove(at: index)
                default: bytes.removeSubrange(index..<min(bytes.count, index + Int(generator.next() % 40)))
                }
                if bytes.isEmpty { bytes = [0x20] }
            }
            if let result = try? VCardParser().parse(Data(bytes)) {
                // Whatever was read must also be writable.
                for format in VCardFormat.allCases { _ = format.serialize(result.cards) }
            }
        }
    }
}
