import Foundation
import GrapevineCore
import TestKit
import Testing

/// `card import` of client fixtures and `export` checked by an independent parser.
@Suite struct VCardCommandTests {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    @Test func importingAnIPhoneCardReportsEverySkipAndCutByName() throws {
        let (home, _) = try TestHome.create("Someone")
        let result = home.run("card", "import", Self.fixture("kevin-ios.vcf"))
        #expect(result.code == 0, "\(result.stderr)")
        let notes = result.stdout.split(separator: "\n").filter { $0.hasPrefix("note: ") }
        #expect(notes.contains("note: NOTE cut to 700 bytes (it had 899)"))
        #expect(notes.contains("note: EMAIL has 10 values: kept the first 8"))
        #expect(notes.contains("note: PHOTO skipped (10240 bytes): a Grapevine card carries no images or files"))
        #expect(notes.contains("note: skipped, no card field for: BDAY"))
        let json = try #require(try TestHome.json(home.run("card", "show", "--json")) as? [String: Any])
        let fields = try #require(json["fields"] as? [String: [[String: String]]])
        #expect(fields["fn"]?.first?["value"] == "Kevin Bacon")
        #expect(fields["n"]?.first?["value"] == "Bacon;Kevin;Norwood;;")
        #expect(fields["org"]?.first?["value"] == "Six Degrees Inc.; Casting")
        #expect(fields["locality"]?.first?["value"] == "Philadelphia")
        #expect(fields["email"]?.count == 8)
        #expect(fields["email"]?.first?["value"] == "kevin@example.com")
        #expect(fields["email"]?.last?["type"] == "work")
        #expect(fields["tel"]?.first == ["value": "+1 (215) 555-0100", "type": "cell"])
        #expect(fields["url"]?.first?["value"] == "https://sixdegrees.example")
        #expect(fields["impp"]?.first?["value"] == "skype:kevin.bacon")
        #expect(fields["categories"]?.map { $0["value"] } == ["Film", "Music"])
        #expect(fields["note"]?.first?["value"]?.utf8.count == 700)
    }

    @Test func importingAVersion21CardDecodesQuotedPrintableAndClearsMissingFields() throws {
        let (home, _) = try TestHome.create("Someone")
        #expect(home.run("card", "set", "title", "Old title").code == 0)
        let result = home.run("card", "import", Self.fixture("asa-android-2.1.vcf"))
        #expect(result.code == 0)
        let json = try #require(try TestHome.json(home.run("card", "show", "--json")) as? [String: Any])
        let fields = try #require(json["fields"] as? [String: [[String: String]]])
        #expect(fields["fn"]?.first?["value"] == "Åsa Lindqvist, författare")
        #expect(fields["note"]?.first?["value"] == "Skriver böcker\nom lärande. Andra raden.")
        #expect(fields["tel"]?.first == ["value": "+46 8 555 0100", "type": "work"])
        #expect(fields["title"] == nil)
        #expect(home.run("card", "import", Self.fixture("asa-android-2.1.vcf")).stdout.contains("nothing changed"))
    }

    @Test func importErrorsAreOneLine() throws {
        let (home, _) = try TestHome.create("Someone")
        let missing = home.run("card", "import", "/nonexistent/x.vcf")
        #expect(missing.stderr == "error: cannot read /nonexistent/x.vcf (No such file or directory): check the path and that it is a readable file\n")
        let notVCard = TestHome.temporaryPath() + ".vcf"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notVCard))
        let bad = home.run("card", "import", notVCard)
        #expect(bad.code == 1)
        #expect(bad.stderr.hasPrefix("error: no vCard found"))
    }

    /// A home with my card imported and one mutual connection, Jeff.
    func exportingHome() throws -> (home: TestHome, me: PublicIdentity, jeff: Peer) {
        let (home, me) = try TestHome.create("Someone")
        #expect(home.run("card", "import", Self.fixture("kevin-ios.vcf")).code == 0)
        let jeff = Peer(1, name: "Jeff")
        try home.ingest(try jeff.entries(connectedTo: [me]))
        #expect(home.run("connect", "Jeff").code == 0)
        return (home, me, jeff)
    }

    static let vobjectCheck = """
        import sys, vobject
        cards = list(vobject.readComponents(sys.stdin.read(), validate=True))
        for card in cards:
            related = [p.value for p in card.getChildren() if p.name in ("RELATED", "X-RELATED")]
            print("%s|%s|%s|%s|%s|%s" % (card.fn.value, card.uid.value, card.rev.value,
                  ",".join(e.value for e in card.contents.get("email", [])), card.version.value, ",".join(related)))
        """

    @Test(arguments: ["vcard4", "vcard3"])
    func exportIsReadByVobjectWithUIDRevAndRelated(format: String) throws {
        try Python.requireVobject()
        let (home, me, jeff) = try exportingHome()
        let exported = home.run("export", "--format", format, "Kevin Bacon", "Jeff")
        #expect(exported.code == 0)
        let output = try Python.run(Self.vobjectCheck, stdin: exported.stdout)
        #expect(output.code == 0, "vobject rejected the export: \(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.count == 2)
        let mine = try #require(lines.first)
        #expect(mine[0] == "Kevin Bacon")
        #expect(mine[1] == "urn:grapevine:" + me.text)
        #expect(mine[2].hasPrefix("2025061") && mine[2].hasSuffix("Z"))
        #expect(mine[3].hasPrefix("kevin@example.com,k0@work.example"))
        #expect(mine[4] == (format == "vcard4" ? "4.0" : "3.0"))
        #expect(mine[5] == "urn:grapevine:" + jeff.id.text)
        #expect(lines.last?[0] == "Jeff")
        #expect(exported.stdout.contains(format == "vcard4" ? "\r\nRELATED;TYPE=contact:" : "\r\nX-RELATED;TYPE=contact:"))
    }

    @Test func jCardExportHasTheRFC7095Shape() throws {
        let (home, me, _) = try exportingHome()
        let exported = home.run("export", "--format", "jcard")
        let output = try Python.run("""
            import sys, json
            data = json.loads(sys.stdin.read())
            assert isinstance(data, list) and len(data) == 2, "two jCards"
            for card in data:
                assert card[0] == "vcard"
                for prop in card[1]:
                    assert len(prop) >= 4 and prop[0] == prop[0].lower() and isinstance(prop[1], dict), prop
            print([p[3] for p in data[1][1] if p[0] == "uid"][0])
            """, stdin: exported.stdout)
        #expect(output.code == 0, "\(output.stderr)")
        #expect(output.stdout.contains("urn:grapevine:" + me.text))
    }

    @Test func exportWritesAFileAndReimportsLosslessly() throws {
        let (home, _, _) = try exportingHome()
        let file = TestHome.temporaryPath() + ".vcf"
        let result = home.run("export", "--output", file, "Kevin Bacon")
        #expect(result.stderr == "wrote 1 card to \(file)\n")
        let (other, _) = try TestHome.create("Other")
        #expect(other.run("card", "import", file).code == 0)
        let before = try TestHome.json(home.run("card", "show", "--json")) as? [String: Any]
        let after = try TestHome.json(other.run("card", "show", "--json")) as? [String: Any]
        #expect(before?["fields"] as? NSDictionary == after?["fields"] as? NSDictionary)
        #expect(home.run("export", "Nobody").code == 1)
    }
}

/// Runs `python3 -c SCRIPT` with `stdin`; the vobject checks fail, never skip, without it.
enum Python {
    static func run(_ script: String, stdin: String) throws -> ProcessOutput {
        try ProcessRunner.run("/usr/bin/env", ["python3", "-c", script], stdin: stdin)
    }

    static func requireVobject() throws {
        let probe = try run("import vobject", stdin: "")
        try #require(probe.code == 0, "python3 with vobject is required to check exports: \(probe.stderr)")
    }
}
