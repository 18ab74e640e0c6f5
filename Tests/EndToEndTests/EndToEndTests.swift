import Foundation
import TestKit
import Testing

/// The three user jobs through the real `grapevine` binary, with one node process per person on
/// loopback: run a node, introduce contacts, inspect the merged store.
@Suite("End to end, real processes", .serialized)
struct EndToEndTests {
    @Test("init, run, invite and peer add, card set, connect, introduce, accept, path and export across three nodes")
    func introductionAcrossThreeNodes() throws {
        let net = try Network()
        let people = ["jeff", "jennifer", "kristina"]
        for (person, name) in zip(people, ["Jeff", "Jennifer", "Kristina"]) {
            try net.ok(person, ["init", "--name", name])
        }

        // Jeff runs first and hands out an invite: Jennifer adds it before her node starts,
        // Kristina joins with --peer.
        try net.start("jeff")
        let invite = try net.ok("jeff", ["invite"])
        let token = try #require(invite.split(separator: "\n").last.map(String.init))
        #expect(try net.ok("jennifer", ["peer", "add", token]).contains("added peer"))
        try net.start("jennifer")
        try net.start("kristina", ["--peer", token])

        try net.ok("jeff", ["card", "set", "title", "Marketing director"])
        try net.ok("jeff", ["card", "set", "locality", "Traverse City, Michigan"])
        try net.ok("jennifer", ["card", "set", "title", "Instructor"])
        try net.ok("kristina", ["card", "set", "title", "Author"])
        try net.converge(people)

        // Names resolve against cards that arrived by gossip.
        for other in ["Jennifer", "Kristina"] {
            #expect(try net.ok("jeff", ["connect", other]).contains("connected to \(other) ["))
        }
        try net.ok("jennifer", ["connect", "Jeff"])
        try net.ok("kristina", ["connect", "Jeff"])
        try net.converge(people)
        let before = try net.object("jennifer", ["path", "Kristina"])
        #expect(before["hops"] as? Int == 2)
        #expect(before["introducers"] as? [String] == [try net.identity("jeff")])
        #expect(try net.ok("jennifer", ["path", "Kristina"]).contains("Jennifer → Jeff → Kristina (2 hops: ask Jeff"))

        let intro = try #require(try net.object("jeff", ["introduce", "Jennifer", "Kristina", "--note", "Writers both"])["entry"] as? String)
        try net.converge(people)
        let pending = try #require(try net.run("kristina", ["intros", "--json"]).json() as? [[String: Any]])
        #expect(pending.first { $0["id"] as? String == intro }?["state"] as? String == "pending")
        try net.ok("jennifer", ["accept", String(intro.prefix(12))])
        try net.ok("kristina", ["accept", intro])
        try net.converge(people)

        let intros = try #require(try net.run("jeff", ["intros", "--json"]).json() as? [[String: Any]])
        #expect(intros.first { $0["id"] as? String == intro }?["state"] as? String == "accepted")
        for person in people {
            let after = try net.object(person, ["path", try net.identity("jennifer"), "Kristina"])
            #expect(after["hops"] as? Int == 1, "\(person) sees \(after)")
        }

        // Kristina's card, exported on Jennifer's node, carries their mutual connection.
        // Unfolded: long lines such as RELATED are folded at 75 octets.
        let vcard = try net.ok("jennifer", ["export", "--format", "vcard4", "Kristina"])
            .replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\n ", with: "")
        #expect(vcard.contains("BEGIN:VCARD"))
        #expect(vcard.contains("FN:Kristina"))
        #expect(vcard.contains("TITLE:Author"))
        #expect(vcard.contains("urn:grapevine:" + (try net.identity("jennifer"))))
        let everyone = try net.ok("jennifer", ["export", "--format", "vcard3"])
        #expect(everyone.components(separatedBy: "BEGIN:VCARD").count - 1 == 3)
    }

    @Test("status lists members by state: a node stopped with SIGTERM shows as left, and says it is not running")
    func statusWithOneNodeStopped() throws {
        let net = try Network()
        let people = ["ada", "grace", "linus"]
        for (person, name) in zip(people, ["Ada", "Grace", "Linus"]) {
            try net.ok(person, ["init", "--name", name])
        }
        try net.start("ada")
        let token = try #require(try net.ok("ada", ["invite"]).split(separator: "\n").last.map(String.init))
        try net.start("grace", ["--peer", token])
        try net.start("linus", ["--peer", token])
        try net.converge(people)
        let allAlive = net.waitUntil(timeout: 10) { states("ada", net) == ["alive", "alive"] }
        #expect(allAlive != nil, "ada sees \(states("ada", net))")

        #expect(net.stop("linus") == 0)
        let left = net.waitUntil(timeout: 5) { states("ada", net) == ["alive", "left"] }
        #expect(left != nil, "ada sees \(states("ada", net))")

        let text = try net.ok("ada", ["status"])
        #expect(text.contains("members: 1 alive, 0 suspect, 0 unreachable, 0 dead, 1 left"), "\(text)")
        let rows = text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.contains { $0.first == "alive" && $0.dropFirst().first == "Grace" }, "\(text)")
        #expect(rows.contains { $0.first == "left" && $0.dropFirst().first == "Linus" }, "\(text)")

        let stopped = try net.run("linus", ["status"])
        #expect(stopped.code == 1)
        #expect(stopped.stdout.contains("no node is running"))
        let stoppedJSON = try #require(try net.run("linus", ["status", "--json"]).json() as? [String: Any])
        #expect(stoppedJSON["running"] as? Bool == false)

        // Known peers persist with the node's last word on them, running or not.
        let peers = try #require(try net.object("linus", ["inspect"])["peers"] as? [[String: Any]])
        #expect(peers.count == 2)
        #expect(peers.allSatisfy { $0["lastSeenMillis"] as? Int != nil && $0["address"] as? String != nil })
        #expect(try net.ok("ada", ["inspect"]).contains("known peers"))
    }

    @Test("a node that cannot listen says why in one line and exits 1")
    func runOnABusyPort() throws {
        let net = try Network()
        try net.ok("ada", ["init", "--name", "Ada"])
        // A plain socket holds the port: without SO_REUSEADDR, no one else can bind it.
        let (socket, port) = try Self.boundUDPSocket()
        defer { close(socket) }
        let busy = try net.run("ada", ["run", "--listen", "127.0.0.1:\(port)"])
        #expect(busy.code == 1)
        #expect(busy.stderr == "error: cannot listen on 127.0.0.1:\(port): the port is in use, maybe by another node; choose another port, or 0 for any free one\n")
        let nameless = try net.run("ada", ["run", "--listen", "nohost.invalid:7000"])
        #expect(nameless.code == 1)
        #expect(nameless.stderr.hasPrefix("error: cannot listen on nohost.invalid:7000: no such host"))
    }

    @Test("the seed story prints 3 hops, then 2 hops via Jeff, exits 0 and leaves no node running")
    func seedStory() throws {
        let net = try Network()
        let keep = net.root + "/story"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/seed-story/run.sh").path
        var environment = ProcessInfo.processInfo.environment
        environment["GRAPEVINE"] = Network.binary
        let output = try ProcessRunner.run(script, ["--keep", keep], environment: environment)
        #expect(output.code == 0, "\(output.stdout)\n\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        let three = try #require(lines.firstIndex { $0.contains("Jennifer → Jeff → Anonymous → Kevin Bacon (3 hops") },
                                 "\(output.stdout)")
        let two = try #require(lines.firstIndex { $0.contains("Jennifer → Jeff → Kevin Bacon (2 hops: ask Jeff for an introduction)") },
                               "\(output.stdout)")
        #expect(three < two)
        #expect(try runningProcesses(mentioning: keep).isEmpty)
    }

    /// The states of the members a person's node lists, sorted; empty while its status is unreadable.
    func states(_ person: String, _ net: Network) -> [String] {
        let members = (try? net.object(person, ["status"]))?["members"] as? [[String: Any]] ?? []
        return members.compactMap { $0["state"] as? String }.sorted()
    }

    /// A UDP socket bound to an OS-chosen loopback port, and the port.
    static func boundUDPSocket() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw NetworkError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw NetworkError("bind: errno \(errno)")
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    /// Processes whose command line mentions `text`.
    func runningProcesses(mentioning text: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { entry in
            guard Int(entry) != nil,
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            return String(decoding: cmdline, as: UTF8.self).contains(text)
        }
    }
}
