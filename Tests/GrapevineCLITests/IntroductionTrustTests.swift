import Foundation
import GrapevineCLI
import GrapevineCore
import GrapevineStore
import Testing

/// Introductions between people who know each other (issue 12, items 7, 8 and 9): who may
/// introduce whom, how introductions are listed, and answers that agree with connections.
@Suite struct IntroductionTrustTests {
    let jeff = Peer(1, name: "Jeff")
    let kristina = Peer(4, name: "Kristina")
    let mallory = Peer(6, name: "Jeff")

    /// Jennifer's home, mutually connected to Jeff and Kristina.
    func jennifer() throws -> (home: TestHome, me: PublicIdentity) {
        let (home, me) = try TestHome.create("Jennifer")
        try home.ingest(try jeff.entries(connectedTo: [me]) + kristina.entries(connectedTo: [me]))
        #expect(home.run("connect", jeff.id.text).code == 0)
        #expect(home.run("connect", kristina.id.text).code == 0)
        return (home, me)
    }

    /// Jeff, Jennifer and Kristina at home; Jeff mutually connected to both others.
    func threeHomes() throws -> (jeff: TestHome, jennifer: TestHome, kristina: TestHome, ids: [PublicIdentity]) {
        let (jeff, jeffID) = try TestHome.create("Jeff")
        let (jennifer, jenniferID) = try TestHome.create("Jennifer")
        let (kristina, kristinaID) = try TestHome.create("Kristina")
        try syncAll([jeff, jennifer, kristina])
        for (home, target) in [(jeff, jenniferID), (jeff, kristinaID), (jennifer, jeffID), (kristina, jeffID)] {
            #expect(home.run("connect", target.text).code == 0)
        }
        try syncAll([jeff, jennifer, kristina])
        return (jeff, jennifer, kristina, [jeffID, jenniferID, kristinaID])
    }

    @Test("introduce refuses people who are not my mutual connections, naming them with fingerprint and what to do")
    func introduceNeedsMutualConnections() throws {
        let (home, me) = try jennifer()
        let kevin = Peer(3, name: "Kevin Bacon")
        let anna = Peer(7, name: "Anna")
        let ben = Peer(8, name: "Ben")
        try home.ingest(try kevin.entries(connectedTo: []) + anna.entries(connectedTo: [me]) + ben.entries(connectedTo: []))
        #expect(home.run("connect", ben.id.text).code == 0)
        let stranger = home.run("introduce", "Jeff", "Kevin Bacon")
        #expect(stranger.code == 1)
        #expect(stranger.stderr == "error: you are not mutually connected to Kevin Bacon [\(kevin.id.fingerprint)], and an introduction needs a mutual connection with both people: connect with `grapevine connect \(kevin.id.fingerprint)` and ask them to connect back to \(me.fingerprint)\n")
        #expect(home.run("introduce", "Anna", "Jeff").stderr.hasSuffix("they connected to you; connect back with `grapevine connect \(anna.id.fingerprint)`\n"))
        #expect(home.run("introduce", "Jeff", "Ben").stderr.hasSuffix("they have not connected back; ask them to run `grapevine connect \(me.fingerprint)`\n"))
        #expect(try home.openStore().reader.introductions(involving: me).isEmpty)
        #expect(home.run("introduce", "Jeff", "Kristina").code == 0)
    }

    @Test("introducing the same pair again, in either order, is reported and writes nothing")
    func aRepeatedIntroductionIsNotWritten() throws {
        let (home, me) = try jennifer()
        let first = home.run("introduce", "Jeff", "Kristina", "--json")
        let id = try #require((try TestHome.json(first) as? [String: Any])?["entry"] as? String)
        for order in [["Jeff", "Kristina"], ["Kristina", "Jeff"]] {
            let again = home.run(["introduce"] + order)
            #expect(again.code == 1)
            #expect(again.stderr.hasPrefix("error: you already introduced "))
            #expect(again.stderr.contains("(introduction \(id.prefix(12)), pending): nothing written"))
        }
        #expect(try home.openStore().reader.introductions(involving: me).map(\.id.hex) == [id])
    }

    @Test("intros lists introductions from me and my mutual connections, marks them, and hides the rest unless --all")
    func introsHidesStrangersIntroductions() throws {
        let (home, me) = try jennifer()
        try home.ingest(try mallory.entries(connectedTo: [me]) + [
            try jeff.sign(.introduction(IntroductionInfo(a: me, b: kristina.id, note: "from Jeff")), counter: 5),
            try mallory.sign(.introduction(IntroductionInfo(a: me, b: kristina.id, note: "from Mallory")), counter: 5),
        ])
        let shown = home.run("intros")
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID            STATE    BY") == true)
        #expect(lines.count == 3, "\(shown.stdout)")
        #expect(lines[1].contains("Jeff [\(jeff.id.fingerprint)] (shared name)  yes"))
        #expect(lines[1].contains("Jennifer [\(me.fingerprint)] (me)"))
        #expect(lines[1].contains("Kristina [\(kristina.id.fingerprint)]"))
        #expect(lines[2] == "1 more from people who are not your mutual connections: see them with `grapevine intros --all`")
        let all = home.run("intros", "--all").stdout
        #expect(all.contains("Jeff [\(mallory.id.fingerprint)] (shared name)  no"))
        #expect(!all.contains("more from people"))

        let json = try #require(try TestHome.json(home.run("intros", "--json")) as? [[String: Any]])
        #expect(json.count == 1)
        let everything = try #require(try TestHome.json(home.run("intros", "--all", "--json")) as? [[String: Any]])
        let fromMallory = try #require(everything.first { $0["note"] as? String == "from Mallory" })
        #expect(fromMallory["introducerMutual"] as? Bool == false)
        let people = try #require(fromMallory["people"] as? [String: [String: Any]])
        #expect(people["introducer"]?["fingerprint"] as? String == mallory.id.fingerprint)
        #expect(people["introducer"]?["name"] as? String == "Jeff")
        #expect(people["introducer"]?["flags"] as? [String] == ["shared-name"])
        #expect(people["a"]?["me"] as? Bool == true)
        #expect(people["b"]?["id"] as? String == kristina.id.text)
        #expect(everything.first { $0["note"] as? String == "from Jeff" }?["introducerMutual"] as? Bool == true)
    }

    @Test("accept and decline say who made the introduction, with fingerprints, and warn about a stranger")
    func answersNameTheIntroducer() throws {
        let (home, me) = try jennifer()
        try home.ingest(try mallory.entries(connectedTo: []) + [
            try mallory.sign(.introduction(IntroductionInfo(a: me, b: kristina.id, note: "")), counter: 5),
        ])
        let intro = try #require(try home.openStore().reader.introductions(involving: me).first?.id.hex)
        let accepted = home.run("accept", intro)
        #expect(accepted.stdout == """
            accepted the introduction by Jeff [\(mallory.id.fingerprint)] (shared name) to Kristina [\(kristina.id.fingerprint)]: you are connected to them
            note: Jeff [\(mallory.id.fingerprint)] (shared name) is not your mutual connection

            """)
        let declined = try #require(try TestHome.json(home.run("decline", intro, "--json")) as? [String: Any])
        #expect((declined["introducer"] as? [String: Any])?["fingerprint"] as? String == mallory.id.fingerprint)
        #expect((declined["other"] as? [String: Any])?["id"] as? String == kristina.id.text)
        #expect(declined["connection"] as? String == "unchanged")
        #expect(declined["kind"] as? String == "introduction-response")
    }

    @Test("decline after accept removes the connection accepting made; accept after decline connects again; every node agrees")
    func answersAndConnectionsAgree() throws {
        let (jeff, jennifer, kristina, ids) = try threeHomes()
        let homes = [jeff, jennifer, kristina]
        let (jenniferID, kristinaID) = (ids[1], ids[2])
        let intro = try #require((try TestHome.json(jeff.run("introduce", "Jennifer", "Kristina", "--json")) as? [String: Any])?["entry"] as? String)
        try syncAll(homes)
        #expect(jennifer.run("accept", intro).stdout.hasSuffix(": connected to them\n"))
        #expect(kristina.run("accept", intro).code == 0)
        try syncAll(homes)
        for home in homes {
            #expect(try home.openStore().reader.mutualConnections(of: jenniferID).contains(kristinaID))
        }

        let declined = jennifer.run("decline", intro)
        #expect(declined.stdout == "declined the introduction by Jeff [\(ids[0].fingerprint)] to Kristina [\(kristinaID.fingerprint)]: removed your connection to them, which accepting had made\n")
        try syncAll(homes)
        for home in homes {
            let store = try home.openStore()
            #expect(try store.reader.introductions(involving: jenniferID).first?.state == .declined)
            #expect(try store.reader.edgeState(from: jenniferID, to: kristinaID) == .removed)
            #expect(try !store.reader.mutualConnections(of: jenniferID).contains(kristinaID))
            #expect(store.reader.path(from: jenniferID, to: kristinaID).length == 2)
        }
        #expect(jennifer.run("decline", intro).stdout.hasPrefix("you had already declined the introduction by Jeff"))

        #expect(jennifer.run("accept", intro).stdout.hasSuffix(": connected to them\n"))
        try syncAll(homes)
        for home in homes {
            let store = try home.openStore()
            #expect(try store.reader.introductions(involving: jenniferID).first?.state == .accepted)
            #expect(try store.reader.mutualConnections(of: jenniferID).contains(kristinaID))
        }
    }

    @Test("declining keeps a connection I had recorded before accepting")
    func declineKeepsAnEarlierConnection() throws {
        let (home, me) = try jennifer()
        try home.ingest([try jeff.sign(.introduction(IntroductionInfo(a: me, b: kristina.id, note: "")), counter: 5)])
        let intro = try #require(try home.openStore().reader.introductions(involving: me).first?.id.hex)
        #expect(home.run("accept", intro).stdout.hasSuffix(": you are connected to them\n"))
        let declined = try #require(try TestHome.json(home.run("decline", intro, "--json")) as? [String: Any])
        #expect(declined["connection"] as? String == "unchanged")
        #expect(try home.openStore().reader.edgeState(from: me, to: kristina.id) == .connected)
    }

    @Test("accept --help and decline --help state the rule")
    func helpStatesTheRule() {
        let home = TestHome()
        for command in ["accept", "decline"] {
            let help = home.run(command, "--help").stdout.replacingOccurrences(of: "\n", with: " ")
                .split(separator: " ").joined(separator: " ")
            #expect(help.contains("The latest answer wins"), "\(help)")
            #expect(help.contains("declining after accepting removes the connection that accepting made"), "\(help)")
            #expect(help.contains("accepting after declining connects you again"), "\(help)")
        }
    }

    @Test("the answer plan: latest answer wins, a connection follows it, repeats write nothing")
    func answerPlan() {
        let older = HLCStamp(millis: 1, counter: 0)
        let newer = HLCStamp(millis: 2, counter: 0)
        let accepted = AnswerRecord(answer: .accept, stamp: older)
        let connectedAfter = EdgeRecord(state: .connected, stamp: newer)
        let connectedBefore = EdgeRecord(state: .connected, stamp: HLCStamp(millis: 0, counter: 0))
        #expect(AnswerPlan.plan(.accept, previous: nil, edge: nil) == AnswerPlan(writesResponse: true, connection: .connected))
        #expect(AnswerPlan.plan(.accept, previous: accepted, edge: connectedAfter) == AnswerPlan(writesResponse: false, connection: .alreadyConnected))
        #expect(AnswerPlan.plan(.decline, previous: accepted, edge: connectedAfter) == AnswerPlan(writesResponse: true, connection: .removed))
        #expect(AnswerPlan.plan(.decline, previous: accepted, edge: connectedBefore) == AnswerPlan(writesResponse: true, connection: .unchanged))
        #expect(AnswerPlan.plan(.decline, previous: nil, edge: connectedBefore) == AnswerPlan(writesResponse: true, connection: .unchanged))
        let declined = AnswerRecord(answer: .decline, stamp: newer)
        #expect(AnswerPlan.plan(.decline, previous: declined, edge: nil) == AnswerPlan(writesResponse: false, connection: .unchanged))
        #expect(AnswerPlan.plan(.accept, previous: declined, edge: EdgeRecord(state: .removed, stamp: newer)).edge == .connected)
    }
}
