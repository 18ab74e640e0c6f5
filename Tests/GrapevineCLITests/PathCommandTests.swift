import Foundation
import GrapevineCore
import Testing

/// `path` on small graphs whose answers are known by hand.
@Suite struct PathCommandTests {
    let jeff = Peer(1, name: "Jeff")
    let anonymous = Peer(2, name: "Anonymous")
    let kevin = Peer(3, name: "Kevin Bacon")
    let kristina = Peer(4, name: "Kristina")

    /// Jennifer's home, connected to Jeff; Jeff, Anonymous and Kevin Bacon as in the seed story.
    func seedStory() throws -> (home: TestHome, me: PublicIdentity) {
        let (home, me) = try TestHome.create("Jennifer")
        #expect(home.run("connect", jeff.id.text).code == 0)
        try home.ingest(
            try jeff.entries(connectedTo: [me, anonymous.id, kristina.id])
                + anonymous.entries(connectedTo: [jeff.id, kevin.id])
                + kevin.entries(connectedTo: [anonymous.id])
                + kristina.entries(connectedTo: [jeff.id]))
        return (home, me)
    }

    @Test func threeHopsNamesTheFirstIntroducerAndWhomToAskFor() throws {
        let (home, _) = try seedStory()
        let result = home.run("path", "Kevin Bacon")
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("Jennifer → Jeff → Anonymous → Kevin Bacon (3 hops: ask Jeff for an introduction to Anonymous)\n"))
    }

    @Test func twoHopsAsksTheMiddlePerson() throws {
        let (home, _) = try seedStory()
        try home.ingest([try anonymous.sign(.edge(EdgeInfo(target: jeff.id, state: .connected)), counter: 1)])
        let result = home.run("path", "Kristina")
        #expect(result.stdout.hasPrefix("Jennifer → Jeff → Kristina (2 hops: ask Jeff for an introduction)\n"))
    }

    @Test("every hop and introducer is listed below the path with the fingerprint beside the name, also in JSON")
    func hopsShowTheirFingerprints() throws {
        let (home, me) = try seedStory()
        let impostor = Peer(6, name: "Jeff")
        try home.ingest(try impostor.entries(connectedTo: []))
        let lines = home.run("path", "Kevin Bacon").stdout.split(separator: "\n").map(String.init)
        #expect(lines == [
            "Jennifer → Jeff → Anonymous → Kevin Bacon (3 hops: ask Jeff for an introduction to Anonymous)",
            "  Jennifer     \(me.fingerprint)  me",
            "  Jeff         \(jeff.id.fingerprint)  shared name",
            "  Anonymous    \(anonymous.id.fingerprint)",
            "  Kevin Bacon  \(kevin.id.fingerprint)",
        ])
        let object = try #require(try TestHome.json(home.run("path", "Kevin Bacon", "--json")) as? [String: Any])
        let people = try #require(object["people"] as? [[String: Any]])
        #expect(people.map { $0["fingerprint"] as? String } == [me, jeff.id, anonymous.id, kevin.id].map(\.fingerprint))
        #expect(people[1]["flags"] as? [String] == ["shared-name"])
        #expect(people[0]["me"] as? Bool == true)
    }

    @Test func jsonGivesHopsAndTheListOfIds() throws {
        let (home, me) = try seedStory()
        let result = home.run("path", "kevin bacon", "--json")
        let object = try #require(try TestHome.json(result) as? [String: Any])
        #expect(object["hops"] as? Int == 3)
        #expect(object["path"] as? [String] == [me.text, jeff.id.text, anonymous.id.text, kevin.id.text])
        #expect(object["introducers"] as? [String] == [jeff.id.text])
    }

    @Test func fromAndToCanBothBeGiven() throws {
        let (home, _) = try seedStory()
        let result = home.run("path", "Kristina", "Kevin Bacon")
        #expect(result.stdout.hasPrefix("Kristina → Jeff → Anonymous → Kevin Bacon (3 hops: ask Jeff for an introduction to Anonymous)\n"))
        let direct = home.run("path", "Jeff")
        #expect(direct.stdout.hasPrefix("Jennifer → Jeff (1 hop: already connected)\n"))
    }

    @Test func aOneSidedConnectionDoesNotCount() throws {
        let (home, _) = try TestHome.create("Jennifer")
        // Jennifer connects to Jeff, but Jeff never connects back.
        try home.ingest(try jeff.entries(connectedTo: []))
        #expect(home.run("connect", "Jeff").code == 0)
        let result = home.run("path", "Jeff")
        #expect(result.code == 1)
        #expect(result.stdout.hasPrefix("no path from Jennifer to Jeff over mutual connections\n"))
        let json = home.run("path", "Jeff", "--json")
        #expect(json.code == 1)
        let object = try #require(try TestHome.json(json) as? [String: Any])
        #expect(object["hops"] is NSNull)
        #expect(object["path"] as? [String] == [])
    }

    @Test func aOneSidedEdgeInTheMiddleBreaksThePath() throws {
        let (home, me) = try TestHome.create("Jennifer")
        #expect(home.run("connect", jeff.id.text).code == 0)
        // Jeff says he is connected to Kevin; Kevin never said so.
        try home.ingest(try jeff.entries(connectedTo: [me, kevin.id]) + kevin.entries(connectedTo: []))
        #expect(home.run("path", "Jeff").code == 0)
        #expect(home.run("path", "Kevin Bacon").code == 1)
    }

    @Test func everyIntroducerOnAShortestPathIsOffered() throws {
        let (home, me) = try TestHome.create("Jennifer")
        #expect(home.run("connect", jeff.id.text).code == 0)
        #expect(home.run("connect", kristina.id.text).code == 0)
        try home.ingest(
            try jeff.entries(connectedTo: [me, kevin.id]) + kristina.entries(connectedTo: [me, kevin.id])
                + kevin.entries(connectedTo: [jeff.id, kristina.id]))
        let result = home.run("path", "Kevin Bacon", "--json")
        let object = try #require(try TestHome.json(result) as? [String: Any])
        #expect(object["hops"] as? Int == 2)
        #expect(Set(object["introducers"] as? [String] ?? []) == [jeff.id.text, kristina.id.text])
        #expect(home.run("path", "Kevin Bacon").stdout.contains("(2 hops: ask "))
        #expect(home.run("path", "Kevin Bacon").stdout.contains(" or "))
    }

    @Test func disconnectingRemovesThePath() throws {
        let (home, me) = try TestHome.create("Jennifer")
        #expect(home.run("connect", jeff.id.text).code == 0)
        try home.ingest(try jeff.entries(connectedTo: [me]))
        #expect(home.run("path", "Jeff").code == 0)
        #expect(home.run("disconnect", "Jeff").code == 0)
        #expect(home.run("path", "Jeff").code == 1)
    }

    @Test func unknownTargetFailsWithoutAPathLine() throws {
        let (home, _) = try TestHome.create("Jennifer")
        let result = home.run("path", "Nobody")
        #expect(result.code == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: no one known here matches TO \"Nobody\""))
    }
}
