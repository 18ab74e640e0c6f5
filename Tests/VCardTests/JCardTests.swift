import Foundation
import Testing
@testable import VCard

/// jCard (RFC 7095) output: shape, value types and value forms.
@Suite("jCard")
struct JCardTests {
    private func entries(_ card: VCard) throws -> [[Any]] {
        let json = JCardWriter().write(card)
        let top = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any])
        #expect(top.count == 2)
        #expect(top.first as? String == "vcard")
        return try #require(top.last as? [[Any]])
    }

    @Test("version first, names lower-case, group as a parameter, types and values per property")
    func shape() throws {
        let card = try #require(try Fixture.thunderbird.parse().cards.first)
        let all = try entries(card)
        #expect(all.first?.first as? String == "version")
        #expect(all.first?.last as? String == "4.0")
        func entry(_ name: String) -> [Any]? { all.first { $0.first as? String == name } }

        let n = try #require(entry("n"))
        #expect(n[2] as? String == "text")
        let nValue = try #require(n[3] as? [Any])
        #expect(nValue.count == 5)
        #expect(nValue[0] as? String == "Schröder")
        #expect(nValue[2] as? [String] == ["Marie", "Sophie"])

        #expect(entry("gender")?[3] as? String == "F", "a single field is a plain string")
        #expect((entry("org")?[3] as? [String])?.count == 2)
        #expect(entry("bday")?[2] as? String == "date-and-or-time")
        #expect(entry("bday")?[3] as? String == "1980-02-29")
        #expect(entry("anniversary")?[3] as? String == "--06-15")
        #expect(entry("rev")?[2] as? String == "timestamp")
        #expect(entry("rev")?[3] as? String == "2024-03-01T12:00:00Z")
        #expect(entry("url")?[2] as? String == "uri")
        #expect(entry("photo")?[2] as? String == "uri")
        #expect(entry("lang")?[2] as? String == "language-tag")
        #expect(entry("x-mozilla-html")?[2] as? String == "unknown")
        let categories = try #require(entry("categories"))
        #expect(categories.dropFirst(3).compactMap { $0 as? String } == ["Kollegen", "Uni"])

        let tels = all.filter { $0.first as? String == "tel" }
        #expect(tels.map { $0[2] as? String } == ["text", "uri"])
        #expect((tels[1][1] as? [String: Any])?["value"] == nil, "VALUE is the type, not a parameter")
        let email = try #require(entry("email"))
        #expect((email[1] as? [String: String])?["pref"] == "1")
        #expect(entry("note")?[3] as? String
                == "Erste Zeile\nZweite Zeile mit Komma, und Semikolon; und Umlauten äöüß, die ausreichend lang ist, um gefaltet zu werden.")
    }

    @Test("groups and multi-valued parameters")
    func groupsAndParameters() throws {
        let card = try #require(try Fixture.appleContacts.parse().cards.first)
        let email = try #require(try entries(card).first { $0.first as? String == "email" })
        let parameters = try #require(email[1] as? [String: Any])
        #expect(parameters["group"] as? String == "item1")
        #expect(parameters["type"] as? String == "internet")
        let tel = try #require(try entries(card).first { $0.first as? String == "tel" })
        #expect((tel[1] as? [String: Any])?["type"] as? [String] == ["cell", "voice"])
    }

    @Test("JSON strings escape quotes, backslashes and control characters")
    func jsonEscaping() throws {
        let card = VCard(properties: [VCardProperty(name: "FN", value: "a\"b\\c\u{1}\td\ne")])
        let fn = try #require(try entries(card).first { $0.first as? String == "fn" })
        #expect(fn[3] as? String == "a\"b\\c\u{1}\td\ne")
    }

    @Test("several cards are always an array of jCards")
    func array() throws {
        let cards = try Fixture.gmail.parse().cards
        let json = JCardWriter().write(cards)
        let top = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[Any]])
        #expect(top.count == 2)
        #expect(JCardWriter().write([cards[0]]).hasPrefix("[[\"vcard\","))
    }
}
