import Foundation
import GrapevineCLI
import GrapevineCore
import GrapevineStore
import Testing

/// Names are chosen by their owners: how listings show them (issue 12, item 7).
@Suite struct NameDisplayTests {
    let me = Peer(10, name: "Jennifer")
    let jeff = Peer(1, name: "Jeff")
    let cyrillicJeff = Peer(2, name: "J\u{0435}ff")
    let kristina = Peer(4, name: "Kristina")

    func book(_ people: [Peer], connected: [Peer] = []) throws -> NameBook {
        try NameBook(known: people.map { KnownIdentity(identity: $0.id, name: $0.name) }, me: me.id,
                     connected: connected.map(\.id))
    }

    @Test("a Cyrillic е makes Jеff look like my connection Jeff: shared name and mixed scripts, real Jeff unflagged")
    func confusableNamesAreShared() throws {
        let names = try book([me, jeff, cyrillicJeff], connected: [jeff])
        #expect(names.person(cyrillicJeff.id).flags == [.sharedName, .mixedScripts])
        #expect(names.person(jeff.id).flags == [])
        #expect(names.label(cyrillicJeff.id) == "J\u{0435}ff [\(cyrillicJeff.id.fingerprint)] (shared name, mixed scripts)")
        #expect(names.label(me.id) == "Jennifer [\(me.id.fingerprint)] (me)")
    }

    @Test("a name that looks like mine is shared, and two cards with one name are both shared")
    func duplicateNamesAreShared() throws {
        let fakeMe = Peer(3, name: "Jennlfer")
        let shouting = Peer(14, name: "KRISTINA")
        let otherJeff = Peer(5, name: "jeff")
        let names = try book([Peer(10, name: "JennIfer"), fakeMe, jeff, otherJeff, kristina, shouting])
        #expect(names.person(fakeMe.id).flags == [.sharedName])
        #expect(names.person(me.id).flags == [])
        #expect(names.person(shouting.id).flags == [.sharedName])
        #expect(names.person(jeff.id).flags == [.sharedName])
        #expect(names.person(otherJeff.id).flags == [.sharedName])
    }

    @Test("bidi controls and invisible characters are escaped and flagged; ZWNJ, ZWJ and emoji stay")
    func hiddenCharactersAreEscaped() throws {
        let reversed = Peer(6, name: "\u{202E}ffeJ")
        let invisible = Peer(7, name: "Je\u{200B}ff\u{2066}")
        let persian = Peer(8, name: "می\u{200C}خواهم")
        let family = Peer(9, name: "Ada 👩\u{200D}👩\u{200D}👧")
        let names = try book([me, jeff, reversed, invisible, persian, family], connected: [jeff])
        #expect(names.person(reversed.id).shownName == "\\u{202E}ffeJ")
        #expect(names.person(reversed.id).flags == [.hiddenCharacters])
        #expect(names.person(invisible.id).shownName == "Je\\u{200B}ff\\u{2066}")
        #expect(names.person(invisible.id).flags == [.sharedName, .hiddenCharacters])
        #expect(names.person(persian.id).shownName == persian.name)
        #expect(names.person(persian.id).flags == [])
        #expect(names.person(family.id).shownName == family.name)
        #expect(names.person(family.id).flags == [])
    }

    @Test("one writing system's scripts together are not mixed: Japanese Han with kana, Latin with digits")
    func singleWritingSystemsAreNotMixed() throws {
        let japanese = Peer(11, name: "山田はなこ")
        let latin = Peer(12, name: "Zoë Quinn 2nd")
        let names = try book([me, japanese, latin])
        #expect(names.person(japanese.id).flags == [])
        #expect(names.person(latin.id).flags == [])
        #expect(names.person(Peer(13, name: "x").id).label == "[\(Peer(13, name: "x").id.fingerprint)]")
    }

    @Test("card set refuses bidi controls, invisible characters and blank values in fn and n, not elsewhere")
    func cardSetRefusesHiddenCharactersInMyName() throws {
        let (home, _) = try TestHome.create("Jeff")
        let reversed = home.run("card", "set", "fn", "\u{202E}ffeJ")
        #expect(reversed.code == 1)
        #expect(reversed.stderr == "error: fn holds \\u{202E}, a character that hides or reorders text: type the name without it (U+200C and U+200D are fine)\n")
        for value in ["Je\u{200B}ff", "Jeff\u{FEFF}", "\u{2067}Jeff", "Je\u{2060}ff"] {
            #expect(home.run("card", "set", "fn", value).code == 1, "\(value.unicodeScalars.map(\.value))")
        }
        #expect(home.run("card", "set", "n", "Doe;\u{202D}Jeff;;;").code == 1)
        #expect(home.run("card", "set", "fn", "  ").stderr.hasPrefix("error: fn is blank"))
        #expect(home.run("card", "set", "n", " ; ;;;").stderr.hasPrefix("error: n is blank"))
        #expect(home.run("init", "--name", "\u{202E}x", "--home", TestHome.temporaryPath()).code == 1)
        #expect(home.run("card", "set", "fn", "می\u{200C}خواهم").code == 0)
        #expect(home.run("card", "set", "note", "a\u{200B}b").code == 0)
        #expect(home.run("card", "show").stdout.contains("a\\u{200B}b"))
    }

    @Test("a stranger's reversed name shows escaped in contacts, show and card show, never as \"Jeff\"")
    func listingsEscapeReceivedNames() throws {
        let (home, _) = try TestHome.create("Jennifer")
        let reversed = Peer(6, name: "\u{202E}ffeJ")
        try home.ingest(try reversed.entries(connectedTo: []))
        let contacts = home.run("contacts").stdout
        #expect(contacts.contains("\\u{202E}ffeJ"))
        #expect(contacts.contains("\(reversed.id.fingerprint) (hidden characters)"))
        #expect(!contacts.contains("\u{202E}"))
        #expect(home.run("show", reversed.id.text).stdout.hasPrefix("\\u{202E}ffeJ [\(reversed.id.fingerprint)] (hidden characters)\n"))
        #expect(home.run("card", "show", reversed.id.text).stdout.contains("fn  \\u{202E}ffeJ"))
        let json = try #require(try TestHome.json(home.run("contacts", "--json")) as? [[String: Any]])
        let row = try #require(json.first { $0["id"] as? String == reversed.id.text })
        #expect(row["name"] as? String == "\u{202E}ffeJ")
        #expect(row["flags"] as? [String] == ["hidden-characters"])
    }

    @Test("contacts marks two people with one name as shared, in text and JSON")
    func contactsMarksSharedNames() throws {
        let (home, _) = try TestHome.create("Jennifer")
        let otherJeff = Peer(5, name: "Jeff")
        try home.ingest(try jeff.entries(connectedTo: []) + otherJeff.entries(connectedTo: []))
        let text = home.run("contacts").stdout
        #expect(text.contains("\(jeff.id.fingerprint) (shared name)"))
        #expect(text.contains("\(otherJeff.id.fingerprint) (shared name)"))
        let json = try #require(try TestHome.json(home.run("show", "--json", jeff.id.fingerprint)) as? [String: Any])
        #expect(json["flags"] as? [String] == ["shared-name"])
    }
}
