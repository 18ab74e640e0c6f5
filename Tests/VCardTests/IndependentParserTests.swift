import Foundation
import Testing
@testable import VCard

/// Exports checked by a parser we did not write: Python's `vobject` for vCard 3.0 and 4.0,
/// and Python's `json` for jCard. These fail, never skip, when Python or vobject is missing.
@Suite("Independent parser (python3 vobject)", .serialized)
struct IndependentParserTests {
    /// Reads vCard text from stdin and prints, per card, the FN, EMAIL and TEL values.
    private static let vobjectScript = """
    import json, sys
    import vobject
    text = sys.stdin.buffer.read().decode("utf-8")
    cards = []
    for component in vobject.readComponents(text, validate=False):
        assert component.name == "VCARD", component.name
        def values(name):
            return [line.value for line in component.contents.get(name, [])]
        version = values("version")
        cards.append({"version": version[0] if version else None,
                      "fn": values("fn"), "email": values("email"), "tel": values("tel")})
    print(json.dumps(cards))
    """

    private struct Summary: Decodable, Equatable {
        var version: String?
        var fn: [String]
        var email: [String]
        var tel: [String]
    }

    private func vobjectSummary(of text: String) throws -> [Summary] {
        try Python.requireVobject()
        let output = try Python.run(Self.vobjectScript, stdin: text)
        try #require(output.code == 0, "vobject rejected the export: \(output.stderr)\n\(text)")
        return try JSONDecoder().decode([Summary].self, from: Data(output.stdout.utf8))
    }

    private func expected(_ cards: [VCard], version: String) -> [Summary] {
        cards.map { card in
            Summary(version: version,
                    fn: card.properties(named: "FN").map(\.value),
                    email: card.properties(named: "EMAIL").map(\.value),
                    tel: card.properties(named: "TEL").map { tel in
                        // 3.0 has no tel: URIs; the writer drops the scheme.
                        version == "3.0" && tel.kind == .uri && tel.value.hasPrefix("tel:")
                            ? String(tel.value.dropFirst(4)) : tel.value
                    })
        }
    }

    @Test("vobject reads our vCard 4.0 and finds the same FN, EMAIL and TEL", arguments: Fixture.allCases)
    func version4(_ fixture: Fixture) throws {
        let cards = try fixture.parse().cards
        let summary = try vobjectSummary(of: VCardWriter(target: .v4_0).write(cards))
        #expect(summary == expected(cards, version: "4.0"))
    }

    @Test("vobject reads our vCard 3.0 and finds the same FN, EMAIL and TEL", arguments: Fixture.allCases)
    func version3(_ fixture: Fixture) throws {
        let cards = try fixture.parse().cards
        let summary = try vobjectSummary(of: VCardWriter(target: .v3_0).write(cards))
        #expect(summary == expected(cards, version: "3.0"))
    }

    @Test("vobject reads a hand-built card with every kind of value in both versions")
    func handBuilt() throws {
        let card = VCard(properties: [
            VCardProperty(name: "FN", value: "Zoë \"Z\" O'Neil, Jr; the 2nd\\3rd\nline"),
            VCardProperty(name: "N", fields: [["O'Neil"], ["Zoë"], [""], [""], ["Jr"]]),
            VCardProperty(group: "item1", name: "EMAIL", parameters: ["TYPE": ["work", "internet"], "PREF": ["1"]],
                          value: "zoe@example.com"),
            VCardProperty(name: "TEL", parameters: ["VALUE": ["uri"], "TYPE": ["cell"]], value: "tel:+1-555-0100"),
            VCardProperty(name: "ADR", parameters: ["LABEL": ["1 Main St\n\"Springfield\""]],
                          fields: [[""], [""], ["1 Main St"], ["Springfield"], [""], [""], [""]]),
            VCardProperty(name: "PHOTO", value: "data:image/jpeg;base64," + Data(repeating: 0xAB, count: 300).base64EncodedString()),
            VCardProperty(name: "NOTE", value: String(repeating: "ü漢😀", count: 40)),
        ])
        for (writer, version) in [(VCardWriter(target: .v4_0), "4.0"), (VCardWriter(target: .v3_0), "3.0")] {
            let summary = try vobjectSummary(of: writer.write(card))
            #expect(summary == expected([card], version: version))
        }
    }

    @Test("python's json reads our jCard with the RFC 7095 shape", arguments: Fixture.allCases)
    func jCard(_ fixture: Fixture) throws {
        let cards = try fixture.parse().cards
        let script = """
        import json, sys
        data = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        assert isinstance(data, list) and len(data) > 0, "not a non-empty array of jCards"
        fns = []
        for card in data:
            assert isinstance(card, list) and len(card) == 2 and card[0] == "vcard", card[:1]
            properties = card[1]
            assert properties[0] == ["version", {}, "text", "4.0"], properties[0]
            for p in properties:
                assert isinstance(p, list) and len(p) >= 4, p
                assert isinstance(p[0], str) and p[0] == p[0].lower(), p
                assert isinstance(p[1], dict) and isinstance(p[2], str), p
                assert all(k == k.lower() for k in p[1]), p
            fns.append([p[3] for p in properties if p[0] == "fn"])
        print(json.dumps(fns))
        """
        let output = try Python.run(script, stdin: JCardWriter().write(cards))
        if output.code == 127 || output.stderr.contains("No such file") {
            Issue.record(Comment(rawValue: Python.missingToolsMessage))
            return
        }
        try #require(output.code == 0, "python rejected the jCard: \(output.stderr)")
        let fns = try JSONDecoder().decode([[String]].self, from: Data(output.stdout.utf8))
        #expect(fns == cards.map { $0.properties(named: "FN").map(\.value) })
    }
}
