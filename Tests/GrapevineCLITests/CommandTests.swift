import Foundation
import GrapevineCore
import Testing

/// Every command's happy path and its errors, run in-process.
@Suite struct CommandTests {
    @Test func initCreatesAnIdentityAndSetsTheName() throws {
        let home = TestHome()
        let result = home.run("init", "--name", "Jeff")
        #expect(result.code == 0)
        #expect(result.stdout.contains("created identity in \(home.path)"))
        let me = try home.identity()
        #expect(result.stdout.contains(me.text))
        #expect(home.run("card", "show").stdout.contains("fn  Jeff"))
    }

    @Test func aSecondInitIsRefusedAndKeepsTheIdentity() throws {
        let (home, me) = try TestHome.create("Jeff")
        let result = home.run("init", "--name", "Other")
        #expect(result.code == 1)
        #expect(result.stderr.hasPrefix("error: an identity already exists at"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try home.identity() == me)
    }

    @Test func initWithJSONPrintsTheId() throws {
        let home = TestHome()
        let object = try #require(try TestHome.json(home.run("init", "--json")) as? [String: String])
        #expect(object["id"] == (try home.identity()).text)
    }

    @Test func idPrintsTheTextFormAndFingerprint() throws {
        let (home, me) = try TestHome.create("Jeff")
        #expect(home.run("id").stdout == "\(me.text)\nfingerprint \(me.fingerprint)\n")
        let object = try #require(try TestHome.json(home.run("id", "--json")) as? [String: String])
        #expect(object["id"] == me.text)
        #expect(object["fingerprint"] == me.fingerprint)
    }

    @Test func aMissingHomeSaysToRunInit() {
        let home = TestHome()
        for command in [["id"], ["card", "show"], ["contacts"], ["inspect"], ["path", "x"], ["export"], ["intros"]] {
            let result = home.run(command)
            #expect(result.code == 1)
            #expect(result.stderr == "error: no Grapevine home at \(home.path): run `grapevine init` first, or pass --home DIR\n")
        }
    }

    @Test func homeOptionWinsOverTheEnvironment() throws {
        let (other, otherID) = try TestHome.create("Other")
        let (home, _) = try TestHome.create("Jeff")
        #expect(home.run("id", "--home", other.path).stdout.hasPrefix(otherID.text))
    }

    @Test func cardSetAddClearAndShow() throws {
        let (home, me) = try TestHome.create("Jeff")
        #expect(home.run("card", "set", "title", "Marketing director").code == 0)
        #expect(home.run("card", "add", "email", "jeff@example.com", "--type", "WORK").code == 0)
        #expect(home.run("card", "add", "email", "jeff@home.example").code == 0)
        #expect(home.run("card", "set", "locality", "Traverse City").code == 0)
        let shown = home.run("card", "show").stdout
        #expect(shown.contains("title     Marketing director"))
        #expect(shown.contains("email     jeff@example.com (work)"))
        #expect(shown.contains("          jeff@home.example"))
        let json = try #require(try TestHome.json(home.run("card", "show", "--json")) as? [String: Any])
        #expect(json["id"] as? String == me.text)
        let fields = try #require(json["fields"] as? [String: [[String: String]]])
        #expect(fields["email"]?.map { $0["value"] } == ["jeff@example.com", "jeff@home.example"])
        #expect(fields["email"]?.first?["type"] == "work")
        #expect(home.run("card", "clear", "email").code == 0)
        #expect(!home.run("card", "show").stdout.contains("email"))
    }

    @Test func cardEditsRefuseWhatACardCannotHold() throws {
        let (home, _) = try TestHome.create("Jeff")
        let unknown = home.run("card", "set", "nickname", "J")
        #expect(unknown.code == 1)
        #expect(unknown.stderr.hasPrefix("error: \"nickname\" is not a card field: use one of fn, n, org"))
        #expect(home.run("card", "add", "title", "x").stderr.contains("use `grapevine card set title VALUE`"))
        let tooLong = home.run("card", "set", "title", String(repeating: "x", count: 300))
        #expect(tooLong.code == 1)
        #expect(tooLong.stderr.contains("at most 256"))
        #expect(home.run("card", "add", "email", "a@b.c", "--type", "Work Mail").code == 1)
        for i in 0..<8 { #expect(home.run("card", "add", "tel", "+1 555 000\(i)").code == 0) }
        let full = home.run("card", "add", "tel", "+1 555 0009")
        #expect(full.code == 1)
        #expect(full.stderr.contains("already has 8 values"))
    }

    @Test func cardShowOfSomeoneElseResolvesWho() throws {
        let (home, _) = try TestHome.create("Jennifer")
        let jeff = Peer(1, name: "Jeff")
        try home.ingest([try jeff.sign(.card(CardUpdate(field: "fn", values: [CardItem("Jeff")]))),
                         try jeff.sign(.card(CardUpdate(field: "org", values: [CardItem("Learning Co")])))])
        let shown = home.run("card", "show", "JEFF")
        #expect(shown.code == 0)
        #expect(shown.stdout.contains("org  Learning Co"))
        #expect(shown.stdout.contains(jeff.id.fingerprint))
    }

    @Test func contactsListsAndSearchesCards() throws {
        let (home, me) = try TestHome.create("Jennifer")
        let kristina = Peer(4, name: "Kristina")
        try home.ingest([try kristina.sign(.card(CardUpdate(field: "fn", values: [CardItem("Kristina")]))),
                         try kristina.sign(.card(CardUpdate(field: "title", values: [CardItem("Author")])))])
        let list = home.run("contacts").stdout
        #expect(list.hasPrefix("NAME      ORG  TITLE   LOCALITY  FINGERPRINT\n"))
        #expect(list.contains("Jennifer                         \(me.fingerprint) (me)"))
        #expect(list.contains("Kristina       Author"))
        let found = try #require(try TestHome.json(home.run("contacts", "--search", "auth", "--json")) as? [[String: Any]])
        #expect(found.map { $0["id"] as? String } == [kristina.id.text])
        #expect(found.first?["me"] as? Bool == false)
        #expect(home.run("contacts", "--search", "zzz").stdout == "no card matches \"zzz\"\n")
    }

    @Test func connectByNamePrintsTheFingerprint() throws {
        let (home, me) = try TestHome.create("Jennifer")
        let jeff = Peer(1, name: "Jeff")
        try home.ingest(try jeff.entries(connectedTo: []))
        let result = home.run("connect", "jeff")
        #expect(result.code == 0)
        #expect(result.stdout == "connected to Jeff [\(jeff.id.fingerprint)]: mutual once they connect back\n")
        try home.ingest(try jeff.entries(connectedTo: [me]))
        #expect(home.run("connect", String(jeff.id.text.prefix(12))).stdout.hasSuffix(": mutual\n"))
        #expect(home.run("show", "Jeff").stdout.contains("mutual connections: Jennifer [\(me.fingerprint)]"))
    }

    @Test func connectAcceptsAFullIdentityNotYetKnown() throws {
        let (home, _) = try TestHome.create("Jennifer")
        let stranger = Peer(9, name: "Stranger")
        let result = home.run("connect", stranger.id.text.uppercased())
        #expect(result.code == 0)
        #expect(result.stdout.contains(stranger.id.fingerprint))
    }

    @Test func anAmbiguousWhoListsTheCandidatesWithFingerprints() throws {
        let (home, _) = try TestHome.create("Jennifer")
        let jeff1 = Peer(1, name: "Jeff")
        let jeff2 = Peer(2, name: "Jeff")
        try home.ingest(try jeff1.entries(connectedTo: []) + jeff2.entries(connectedTo: []))
        let result = home.run("connect", "Jeff")
        #expect(result.code == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: WHO \"Jeff\" matches 2 people: give their fingerprint, or more of it, to choose one")
        #expect(lines.count == 3)
        #expect(lines.contains { $0.contains(jeff1.id.fingerprint) && $0.contains(jeff1.id.text) })
        #expect(lines.contains { $0.contains(jeff2.id.fingerprint) && $0.contains(jeff2.id.text) })
        #expect(home.run("connect", "gv1").code == 1)
        #expect(home.run("connect", jeff2.id.text).code == 0)
    }

    @Test func anUnknownWhoSuggestsSimilarNames() throws {
        let (home, _) = try TestHome.create("Jennifer")
        try home.ingest(try Peer(3, name: "Kevin Bacon").entries(connectedTo: []))
        let result = home.run("connect", "Kevin")
        #expect(result.code == 1)
        #expect(result.stderr.hasPrefix("error: no one known here is called \"Kevin\": use one of these names, fingerprints or identities\n"))
        #expect(result.stderr.contains("Kevin Bacon"))
        let none = home.run("disconnect", "Zed")
        #expect(none.code == 1)
        #expect(none.stderr.split(separator: "\n").count == 1)
    }

    @Test func aMalformedIdentityExplainsWhatIsWrong() throws {
        let (home, me) = try TestHome.create("Jennifer")
        var text = Array(me.text)
        text[10] = text[10] == "a" ? "b" : "a"
        let typo = home.run("connect", String(text))
        #expect(typo.code == 1)
        #expect(typo.stderr == "error: WHO \"\(String(text))\" is not an identity: the identity's checksum does not match: it has a typo; copy it again\n")
        let bad = home.run("connect", "gv1" + String(repeating: "1", count: 58))
        #expect(bad.stderr.contains("cannot appear in an identity"))
        #expect(home.run("connect", me.text).stderr == "error: you cannot connect to yourself: give someone else's WHO\n")
    }

    @Test func disconnectNeedsAConnection() throws {
        let (home, _) = try TestHome.create("Jennifer")
        let jeff = Peer(1, name: "Jeff")
        try home.ingest(try jeff.entries(connectedTo: []))
        #expect(home.run("disconnect", "Jeff").stderr.hasPrefix("error: you are not connected to Jeff"))
        #expect(home.run("connect", "Jeff").code == 0)
        #expect(home.run("disconnect", "Jeff").stdout == "disconnected from Jeff [\(jeff.id.fingerprint)]\n")
    }

    @Test func introduceAcceptAndDeclineAcrossThreeHomes() throws {
        let (jeff, jeffID) = try TestHome.create("Jeff")
        let (jennifer, jenniferID) = try TestHome.create("Jennifer")
        let (kristina, kristinaID) = try TestHome.create("Kristina")
        let homes = [jeff, jennifer, kristina]
        try syncAll(homes)
        for (home, target) in [(jeff, jenniferID), (jeff, kristinaID), (jennifer, jeffID), (kristina, jeffID)] {
            #expect(home.run("connect", target.text).code == 0)
        }
        try syncAll(homes)
        let introduced = jeff.run("introduce", "Jennifer", "Kristina", "--note", "You both write")
        #expect(introduced.code == 0, "\(introduced.stderr)")
        #expect(introduced.stdout.contains("introduced Jennifer [\(jenniferID.fingerprint)] to Kristina [\(kristinaID.fingerprint)]"))
        try syncAll(homes)

        let listed = try #require(try TestHome.json(jennifer.run("intros", "--json")) as? [[String: Any]])
        #expect(listed.count == 1)
        let intro = try #require(listed.first)
        let id = try #require(intro["id"] as? String)
        #expect(intro["state"] as? String == "pending")
        #expect(intro["introducer"] as? String == jeffID.text)
        #expect(intro["a"] as? String == jenniferID.text)
        #expect(intro["b"] as? String == kristinaID.text)
        #expect(jennifer.run("intros").stdout.contains("pending  Jeff [\(jeffID.fingerprint)]  yes     Jennifer [\(jenniferID.fingerprint)] (me)  Kristina [\(kristinaID.fingerprint)]"))

        let accepted = jennifer.run("accept", String(id.prefix(8)))
        #expect(accepted.stdout == "accepted the introduction by Jeff [\(jeffID.fingerprint)] to Kristina [\(kristinaID.fingerprint)]: connected to them\n")
        #expect(jeff.run("accept", id).stderr.contains("only the two people introduced can answer it"))
        try syncAll(homes)
        #expect(kristina.run("accept", id).code == 0)
        try syncAll(homes)
        let states = try #require(try TestHome.json(jeff.run("intros", "--json")) as? [[String: Any]])
        #expect(states.first?["state"] as? String == "accepted")
        #expect(jennifer.run("path", "Kristina").stdout.hasPrefix("Jennifer → Kristina (1 hop: already connected)\n"))

        #expect(kristina.run("decline", id).stdout == "declined the introduction by Jeff [\(jeffID.fingerprint)] to Jennifer [\(jenniferID.fingerprint)]: removed your connection to them, which accepting had made\n")
        try syncAll(homes)
        let after = try #require(try TestHome.json(jennifer.run("intros", "--json")) as? [[String: Any]])
        #expect(after.first { $0["id"] as? String == id }?["state"] as? String == "declined")
    }

    @Test func introduceAndAnswerErrors() throws {
        let (home, _) = try TestHome.create("Jeff")
        let a = Peer(1, name: "Ann")
        try home.ingest(try a.entries(connectedTo: []))
        #expect(home.run("introduce", "Ann", "Ann").stderr == "error: WHO_A and WHO_B are the same person: name two different people\n")
        #expect(home.run("introduce", "Ann", "Jeff").stderr.hasPrefix("error: an introduction names two people other than you"))
        #expect(home.run("introduce", "Ann", "Bob").stderr.hasPrefix("error: no one known here matches WHO_B \"Bob\""))
        #expect(home.run("accept", "zz").stderr.hasPrefix("error: INTRO \"zz\" is not an introduction id"))
        #expect(home.run("decline", "abc").stderr.hasPrefix("error: no introduction involving you has an id starting with abc"))
        #expect(home.run("intros").stdout == "no introductions involve you yet\n")
    }

    @Test func showListsProvenanceAndHistory() throws {
        let (home, me) = try TestHome.create("Jeff")
        #expect(home.run(["card", "set", "title", "Teacher"], millis: TestHome.baseMillis + 1000).code == 0)
        #expect(home.run(["card", "set", "title", "Director"], millis: TestHome.baseMillis + 2000).code == 0)
        let plain = home.run("show", "Jeff").stdout
        #expect(plain.contains("FIELD  VALUE     STAMP"))
        #expect(plain.contains("title  Director  2025-06-15 15:06:42Z"))
        #expect(!plain.contains("Teacher"))
        let history = home.run("show", "Jeff", "--history").stdout
        #expect(history.contains("  was  Teacher   2025-06-15 15:06:41Z"))
        let json = try #require(try TestHome.json(home.run("show", me.text, "--json")) as? [String: Any])
        let fields = try #require(json["fields"] as? [[String: Any]])
        let title = try #require(fields.first { $0["field"] as? String == "title" })
        #expect((title["superseded"] as? [[String: Any]])?.count == 1)
        #expect((title["entryID"] as? String)?.count == 64)
    }

    @Test func inspectShowsStatsAndDigest() throws {
        let (home, me) = try TestHome.create("Jeff")
        let text = home.run("inspect").stdout
        #expect(text.contains("entries      1"))
        #expect(text.contains("  card       1"))
        let json = try #require(try TestHome.json(home.run("inspect", "--json")) as? [String: Any])
        let digest = try #require(json["digest"] as? String)
        #expect(digest == digest.lowercased() && !digest.isEmpty && digest.allSatisfy(\.isHexDigit))
        #expect(json["entries"] as? Int == 1)
        #expect(json["authors"] as? Int == 1)
        #expect(json["id"] as? String == me.text)
        #expect(json["quarantined"] as? Int == 0)
        #expect(json["setAside"] as? [String: Int] == [:], "a store made by this version sets nothing aside")
        #expect(text.contains("set aside    0"))
    }

    @Test func logLevelDebugLogsToStandardErrorOnly() throws {
        let (home, _) = try TestHome.create("Jeff")
        let result = home.run("card", "set", "title", "x", "--log-level", "debug")
        #expect(result.stdout == "title set\n")
        #expect(result.stderr.contains("debug: wrote entry"))
        #expect(home.run("card", "set", "title", "x").stderr.isEmpty)
    }

    @Test func everyCommandsHelpHasAnAbstractAndAnExample() {
        let home = TestHome()
        let commands: [[String]] = [
            [], ["init"], ["id"], ["card"], ["card", "set"], ["card", "add"], ["card", "clear"], ["card", "show"],
            ["card", "import"], ["card", "remove"], ["connect"], ["disconnect"], ["connections"], ["introduce"], ["intros"],
            ["accept"], ["decline"],
            ["contacts"], ["show"], ["path"], ["inspect"], ["export"],
        ]
        for command in commands {
            let result = home.run(command + ["--help"])
            #expect(result.code == 0, "\(command)")
            #expect(result.stdout.hasPrefix("OVERVIEW: "), "\(command) has no abstract")
            #expect(result.stdout.contains("Example:\n  grapevine "), "\(command) has no example")
        }
    }

    @Test func usageErrorsAreOneLinePlusUsage() {
        let home = TestHome()
        let result = home.run("path", "a", "b", "c")
        #expect(result.code == 64)
        #expect(result.stderr.hasPrefix("Error: give TO, or FROM and TO\n"))
        #expect(home.run("path").stderr.hasPrefix("Error: Missing expected argument"))
        #expect(home.run("frobnicate").code == 64)
    }
}
