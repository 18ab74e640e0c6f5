import Foundation
import Testing

/// Values over a limit are refused before signing, in plain words that name the field's own limit.
@Suite struct ValueLimitTests {
    static func bytes(_ count: Int, _ character: Character = "x") -> String {
        String(repeating: character, count: count)
    }

    @Test("a 10 kB title, an 800-byte note, a 300-byte email: each error names the field and its limit")
    func oversizeValuesNameTheirLimit() throws {
        let (home, _) = try TestHome.create("Jeff")
        let title = home.run("card", "set", "title", Self.bytes(10_000))
        #expect(title.code == 1)
        #expect(title.stderr == "error: title is 10000 bytes; a title holds at most 256 bytes (UTF-8): shorten it\n")
        #expect(home.run("card", "set", "note", Self.bytes(800)).stderr
            == "error: note is 800 bytes; a note holds at most 700 bytes (UTF-8): shorten it\n")
        #expect(home.run("card", "set", "fn", Self.bytes(129, "é")).stderr
            == "error: fn is 258 bytes; a name (fn) holds at most 256 bytes (UTF-8): shorten it\n")
        #expect(home.run("card", "add", "email", Self.bytes(300)).stderr
            == "error: email \"\(Self.bytes(24))…\" is 300 bytes; an email holds at most 256 bytes (UTF-8): shorten it\n")
        #expect(home.run("card", "set", "note", Self.bytes(700)).code == 0)
    }

    @Test("line breaks, control characters and empty values are refused in words, and never as a reason code")
    func badCharactersAreNamed() throws {
        let (home, _) = try TestHome.create("Jeff")
        #expect(home.run("card", "set", "title", "a\nb").stderr
            == "error: title holds a line break; only note and an introduction's note may: write it on one line\n")
        #expect(home.run("card", "set", "org", "a\u{7}b").stderr
            == "error: org holds the control character U+0007, which no value may hold: remove it\n")
        #expect(home.run("card", "set", "title", "").stderr
            == "error: title is empty: give a value, or clear the field with `grapevine card clear title`\n")
        #expect(home.run("card", "set", "note", "two\nlines").code == 0)
    }

    @Test("values that fit one by one but not together in one entry say how much room the field has")
    func valuesTooLargeTogether() throws {
        let (home, _) = try TestHome.create("Jeff")
        for i in 1...4 {
            #expect(home.run("card", "add", "email", Self.bytes(200) + "\(i)", "--visibility", "public").code == 0)
        }
        let fifth = home.run("card", "add", "email", Self.bytes(200) + "5")
        #expect(fifth.code == 1)
        #expect(fifth.stderr == "error: the 5 values of email take 1005 bytes together; all values of a field go in one signed entry, which has room for 904 here: shorten or remove some (`grapevine card remove email VALUE`)\n")
        #expect(!fifth.stderr.contains("oversize"))
    }

    @Test("a connections-only field whose values do not fit the largest sealed bucket is refused naming the limit")
    func sealedValuesTooLarge() throws {
        let (home, _) = try TestHome.create("Jeff")
        for i in 1...3 { #expect(home.run("card", "add", "email", Self.bytes(200) + "\(i)").code == 0) }
        let fourth = home.run("card", "add", "email", Self.bytes(200) + "4")
        #expect(fourth.code == 1)
        #expect(fourth.stderr == "error: the values of email take 828 bytes once encoded; a connections-only field holds at most 767: shorten or drop a value, or make email public\n")
        #expect(home.run("card", "add", "email", Self.bytes(200) + "4", "--visibility", "public").code == 0)
    }

    @Test("init with a name over the limit is refused before it creates the home")
    func initChecksTheNameFirst() {
        let home = TestHome()
        let result = home.run("init", "--name", Self.bytes(300))
        #expect(result.code == 1)
        #expect(result.stderr == "error: fn is 300 bytes; a name (fn) holds at most 256 bytes (UTF-8): shorten it\n")
        #expect(!FileManager.default.fileExists(atPath: home.path))
    }

    @Test("an introduction's note over 280 bytes names that limit")
    func introductionNoteLimit() throws {
        let (home, me) = try TestHome.create("Jeff")
        let ann = Peer(1, name: "Ann")
        let bob = Peer(2, name: "Bob")
        try home.ingest(try ann.entries(connectedTo: [me]) + bob.entries(connectedTo: [me]))
        #expect(home.run("connect", "Ann").code == 0)
        #expect(home.run("connect", "Bob").code == 0)
        let result = home.run("introduce", "Ann", "Bob", "--note", Self.bytes(300))
        #expect(result.code == 1)
        #expect(result.stderr == "error: the note is 300 bytes; an introduction's note holds at most 280 bytes (UTF-8): shorten it\n")
    }

    @Test("card import keeps the values of a list that fit one entry together, and says what it left out")
    func importKeepsWhatFits() throws {
        let (home, _) = try TestHome.create("Jeff")
        let emails = (1...6).map { "EMAIL:\(Self.bytes(240))\($0)@example.com" }
        let file = TestHome.temporaryPath() + ".vcf"
        try Data((["BEGIN:VCARD", "VERSION:4.0", "FN:Jeff"] + emails + ["END:VCARD", ""]).joined(separator: "\r\n").utf8)
            .write(to: URL(fileURLWithPath: file))
        let result = home.run("card", "import", file, "--visibility", "public")
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("note: EMAIL values are too long together for one card entry (1100 bytes): kept the first 3 of 6\n"))
        let json = try #require(try TestHome.json(home.run("card", "show", "--json")) as? [String: Any])
        let fields = try #require(json["fields"] as? [String: [[String: String]]])
        #expect(fields["email"]?.count == 3)

        // For connections, what can be sealed is less.
        let sealed = home.run("card", "import", file, "--visibility", "connections")
        #expect(sealed.code == 0, "\(sealed.stderr)")
        #expect(sealed.stdout.contains("note: email values are too long together for a connections-only field (767 bytes sealed): kept the first 2 of 3\n"))
        let after = try #require(try TestHome.json(home.run("card", "show", "--json")) as? [String: Any])
        #expect((after["fields"] as? [String: [[String: String]]])?["email"]?.count == 2)
        #expect((after["visibility"] as? [String: String])?["email"] == "connections")
    }
}

