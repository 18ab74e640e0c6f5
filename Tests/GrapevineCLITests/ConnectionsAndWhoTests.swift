import Foundation
import GrapevineCore
import Testing

/// `grapevine connections` (issue 12, item 16) and WHO as a fingerprint or `me` (item 10).
@Suite struct ConnectionsAndWhoTests {
    let jeff = Peer(1, name: "Jeff")
    let kristina = Peer(4, name: "Kristina")
    let anna = Peer(7, name: "Anna")
    let fakeJeff = Peer(2, name: "J\u{0435}ff")

    /// Jennifer: mutual with Jeff, waiting for Kristina, Anna and Jеff waiting for her.
    func jennifer() throws -> (home: TestHome, me: PublicIdentity) {
        let (home, me) = try TestHome.create("Jennifer")
        try home.ingest(try jeff.entries(connectedTo: [me]) + kristina.entries(connectedTo: [])
            + anna.entries(connectedTo: [me]) + fakeJeff.entries(connectedTo: [me]))
        #expect(home.run("connect", jeff.id.text).code == 0)
        #expect(home.run("connect", kristina.id.text).code == 0)
        return (home, me)
    }

    @Test("connections lists mutual ones, those waiting for them and those waiting for me, with fingerprints and flags")
    func connectionsListsAllThree() throws {
        let (home, _) = try jennifer()
        let text = home.run("connections")
        #expect(text.code == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.first == "NAME FINGERPRINT CONNECTION")
        #expect(lines.contains("Jeff \(jeff.id.fingerprint) mutual"))
        #expect(lines.contains("Kristina \(kristina.id.fingerprint) waiting for them"))
        #expect(lines.contains("Anna \(anna.id.fingerprint) waiting for me"))
        #expect(lines.contains("J\u{0435}ff \(fakeJeff.id.fingerprint) (shared name, mixed scripts) waiting for me"))

        let json = try #require(try TestHome.json(home.run("connections", "--json")) as? [String: [[String: Any]]])
        #expect(json["mutual"]?.map { $0["id"] as? String } == [jeff.id.text])
        #expect(json["mutual"]?.first?["fingerprint"] as? String == jeff.id.fingerprint)
        #expect(json["mutual"]?.first?["name"] as? String == "Jeff")
        #expect(json["waitingForThem"]?.map { $0["id"] as? String } == [kristina.id.text])
        #expect(Set(json["waitingForMe"]?.compactMap { $0["id"] as? String } ?? []) == [anna.id.text, fakeJeff.id.text])
        let fake = json["waitingForMe"]?.first { $0["id"] as? String == fakeJeff.id.text }
        #expect(fake?["flags"] as? [String] == ["shared-name", "mixed-scripts"])
    }

    @Test("connections with none says how to make one")
    func noConnections() throws {
        let (home, _) = try TestHome.create("Jennifer")
        #expect(home.run("connections").stdout == "no connections yet: `grapevine connect WHO` records one\n")
        #expect(home.run("connections", "--help").stdout.contains("Example:\n  grapevine connections"))
    }

    @Test("show, card show, connect, introduce and path take a fingerprint, a prefix of one with or without dashes, and me")
    func whoIsAFingerprintOrMe() throws {
        let (home, me) = try jennifer()
        let fingerprint = jeff.id.fingerprint
        #expect(home.run("show", fingerprint).stdout.hasPrefix("Jeff [\(fingerprint)]"))
        #expect(home.run("show", fingerprint.uppercased()).code == 0)
        #expect(home.run("show", String(fingerprint.prefix(9))).stdout.hasPrefix("Jeff ["))
        #expect(home.run("card", "show", String(fingerprint.filter { $0 != "-" }.prefix(7))).stdout.hasPrefix("Jeff ["))
        #expect(home.run("show", "me").stdout.hasPrefix("Jennifer [\(me.fingerprint)] (me)"))
        #expect(home.run("card", "show", "ME").stdout.hasPrefix("Jennifer ["))
        #expect(home.run("path", "me", fingerprint).stdout.hasPrefix("Jennifer → Jeff (1 hop"))
        #expect(home.run("connect", anna.id.fingerprint).stdout.hasPrefix("connected to Anna [\(anna.id.fingerprint)]: mutual"))
        #expect(home.run("introduce", "me", "Jeff").stderr.hasPrefix("error: an introduction names two people other than you"))
        #expect(home.run("introduce", anna.id.fingerprint, String(fingerprint.prefix(4))).code == 0)
    }

    @Test("a fingerprint prefix that fits several people lists them; a full fingerprint wins over a name that copies it")
    func ambiguousFingerprints() throws {
        let (home, _) = try TestHome.create("Jennifer")
        // The first two fixed seeds whose fingerprints share their first four hex digits.
        var byPrefix: [String: Peer] = [:]
        var twins: [Peer] = []
        for n in 100..<5000 where twins.isEmpty {
            let peer = Peer(n, name: "P\(n)")
            let prefix = String(peer.id.fingerprint.prefix(4))
            if let earlier = byPrefix[prefix] { twins = [earlier, peer] } else { byPrefix[prefix] = peer }
        }
        let (one, two) = (try #require(twins.first), try #require(twins.last))
        try home.ingest(try one.entries(connectedTo: []) + two.entries(connectedTo: []))
        let ambiguous = home.run("show", String(one.id.fingerprint.prefix(4)))
        #expect(ambiguous.code == 1)
        let lines = ambiguous.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: WHO \"\(one.id.fingerprint.prefix(4))\" matches 2 people: give their fingerprint, or more of it, to choose one")
        #expect(lines.count == 3)
        #expect(lines.contains { $0.contains(one.name) && $0.contains(one.id.fingerprint) })
        #expect(lines.contains { $0.contains(two.name) && $0.contains(two.id.fingerprint) })
        #expect(home.run("show", one.id.fingerprint.filter { $0 != "-" }).stdout.hasPrefix("\(one.name) ["))

        let impostor = Peer(61, name: one.id.fingerprint)
        let prefixImpostor = Peer(62, name: String(one.id.fingerprint.prefix(9)))
        try home.ingest(try impostor.entries(connectedTo: []) + prefixImpostor.entries(connectedTo: []))
        #expect(home.run("show", one.id.fingerprint).stdout.hasPrefix("\(one.name) [\(one.id.fingerprint)]"))
        let prefix = home.run("show", String(one.id.fingerprint.prefix(9)))
        #expect(prefix.code == 1)
        #expect(prefix.stderr.contains("matches 2 people"))
        #expect(prefix.stderr.contains(prefixImpostor.id.fingerprint))
    }
}
