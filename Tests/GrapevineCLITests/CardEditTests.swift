import Foundation
import Testing

/// `card remove`, and what `card import` reports and refuses.
@Suite struct CardEditTests {
    static func card(_ home: TestHome) throws -> [String: [[String: String]]] {
        let json = try #require(try TestHome.json(home.run("card", "show", "--json")) as? [String: Any])
        return try #require(json["fields"] as? [String: [[String: String]]])
    }

    @Test("card remove takes one value away and keeps the others; the last one clears the field")
    func removeTakesOneValue() throws {
        let (home, _) = try TestHome.create("Jeff")
        for value in ["a@example.com", "b@example.com"] { #expect(home.run("card", "add", "email", value).code == 0) }
        let removed = home.run("card", "remove", "email", "a@example.com")
        #expect(removed.code == 0, "\(removed.stderr)")
        #expect(removed.stdout == "removed \"a@example.com\": email now has 1 value\n")
        #expect(try Self.card(home)["email"]?.map { $0["value"] } == ["b@example.com"])
        let json = try #require(try TestHome.json(home.run("card", "remove", "email", "b@example.com", "--json")) as? [String: Any])
        #expect(json["kind"] as? String == "card")
        #expect(try Self.card(home)["email"] == nil)
        let title = home.run("card", "set", "title", "Director")
        #expect(title.code == 0)
        #expect(home.run("card", "remove", "title", "Director").stdout == "removed \"Director\": title is now empty\n")
    }

    @Test("card remove of a value the field lacks names the values it has, and writes nothing")
    func removeOfAnAbsentValue() throws {
        let (home, _) = try TestHome.create("Jeff")
        #expect(home.run("card", "add", "email", "a@example.com").code == 0)
        let wrong = home.run("card", "remove", "email", "A@example.com")
        #expect(wrong.code == 1)
        #expect(wrong.stderr == "error: email has no value \"A@example.com\": give one of \"a@example.com\" exactly, as `grapevine card show` prints it\n")
        let empty = home.run("card", "remove", "tel", "x")
        #expect(empty.stderr == "error: tel holds no value: there is nothing to remove\n")
        #expect(home.run("card", "remove", "nickname", "x").stderr.hasPrefix("error: \"nickname\" is not a card field"))
        #expect(try Self.card(home)["email"]?.count == 1)
    }

    @Test("card import names the fields it cleared, in text and in JSON")
    func importNamesClearedFields() throws {
        let (home, _) = try TestHome.create("Someone")
        #expect(home.run("card", "set", "title", "Old title").code == 0)
        #expect(home.run("card", "add", "url", "https://old.example").code == 0)
        let result = home.run("card", "import", VCardCommandTests.fixture("asa-android-2.1.vcf"))
        #expect(result.code == 0, "\(result.stderr)")
        let summary = try #require(result.stdout.split(separator: "\n").last)
        #expect(summary.hasPrefix("imported "))
        #expect(summary.hasSuffix("; cleared title, url (not in the vCard)"))
        #expect(summary.contains(": set fn, "))
        #expect(home.run("card", "set", "title", "Old title").code == 0)
        let json = try #require(try TestHome.json(
            home.run("card", "import", VCardCommandTests.fixture("asa-android-2.1.vcf"), "--json")) as? [String: Any])
        #expect(json["changed"] as? [String] == ["title"])
        #expect(json["cleared"] as? [String] == ["title"])
    }

    @Test("card import refuses a name with a right-to-left override, as card set does, and writes nothing")
    func importRefusesHiddenCharactersInMyName() throws {
        let (home, _) = try TestHome.create("Someone")
        let path = TestHome.temporaryPath() + ".vcf"
        let vcard = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:\u{202E}ffeJ\r\nTITLE:Impostor\r\nEND:VCARD\r\n"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(vcard.utf8)))
        let result = home.run("card", "import", path)
        #expect(result.code == 1)
        #expect(result.stderr.contains("fn holds \\u{202E}"), "\(result.stderr)")
        #expect(try Self.card(home)["fn"]?.first?["value"] == "Someone")
        #expect(try Self.card(home)["title"] == nil)
    }

    @Test("card import refuses a file over 1 MiB without reading it, and a folder, in one line each")
    func importRefusesLargeFiles() throws {
        let (home, _) = try TestHome.create("Someone")
        let path = TestHome.temporaryPath() + ".vcf"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 40 << 20)
        try handle.close()
        let large = home.run("card", "import", path)
        #expect(large.code == 1)
        #expect(large.stderr == "error: \(path) is 41943040 bytes; card import takes files of at most 1 MiB (1048576 bytes): export only the contact you want, without its photo\n")
        #expect(try Self.card(home)["fn"]?.first?["value"] == "Someone")
        let folder = home.run("card", "import", NSTemporaryDirectory())
        #expect(folder.code == 1)
        #expect(folder.stderr == "error: \(NSTemporaryDirectory()) is not a regular file: give the path of a .vcf file\n")
    }
}
