import Discovery
import Foundation
import GrapevineCore
import Sodium

/// Discovery on one bridge (PROTOCOL.md §17): three nodes with `--discover` and no invites find
/// each other, `nearby` lists them, and after `connect` on both sides their stores converge; a
/// fourth node without `--discover` is never listed. Then a flood of forged announcements from
/// another host is counted and dropped while every node stays up.
struct NearbyScenario {
    let network: LabNetwork
    static let cap: TimeInterval = 30
    static let floodHost = 100
    static let discover = ["--discover", "--test-discovery-interval-ms", "1000"]

    func run() throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        let discovering = Array(network.nodes.prefix(3))
        let silent = network.node(4)
        let start = Date()
        for node in discovering { try node.start(extra: Self.discover) }
        try silent.start()

        let found = network.waitUntil(timeout: Self.cap) {
            discovering.allSatisfy { node in Set(nearby(node)) == Set(discovering.filter { $0 !== node }.map(\.identity)) }
        }
        outcome.figures["nearby.found_s"] = seconds(found.map { _ in Date().timeIntervalSince(start) } ?? Self.cap)
        outcome.check(found != nil, "the discovering nodes did not all list each other within \(Int(Self.cap)) s: \(views(discovering))")
        let members = try? network.waitForMembership(discovering, timeout: Self.cap)
        outcome.check(members != nil, "the discovering nodes did not become members of each other without an invite")

        let listed = try network.waitUntil(timeout: Self.cap) {
            let people = try nearbyPeople(discovering[0])
            return people.count == 2 && people.allSatisfy { ($0["name"] as? String)?.hasPrefix("Host ") == true }
        }
        outcome.check(listed != nil, "`nearby` on host 1 did not name hosts 2 and 3: \((try? discovering[0].cliOK(["nearby"])) ?? "-")")
        let table = (try? discovering[0].cliOK(["nearby"])) ?? ""
        outcome.check(table.contains("Host 2") && table.contains(fingerprint(discovering[1])) && table.contains("Host 3")
                      && !table.contains("Host 4"), "`nearby` text on host 1: \(table)")
        let bothFamilies = network.waitUntil(timeout: 10) {
            discovering.allSatisfy { ($0.status()?.discovery?.dropped["replayed"] ?? 0) > 0 }
        }
        outcome.check(bothFamilies != nil,
                      "announcements did not arrive over both IPv4 and IPv6 (no second copy counted as replayed): \(views(discovering))")
        outcome.check(discovering.allSatisfy { !nearby($0).contains(silent.identity) },
                      "a node without --discover was listed as nearby")
        outcome.check(silent.status()?.discovery == nil && (try? silent.cli(["nearby"]))?.code == 1,
                      "the node without --discover reports discovery on")
        outcome.check(silent.status()?.members.isEmpty == true, "the node without --discover gained members")
        outcome.check((try? discovering[0].cliOK(["status"]))?.contains("discovery: on (") == true
                      && (try? silent.cliOK(["status"]))?.contains("discovery: off") == true,
                      "`status` does not say whether discovery is on")

        try discovering[0].cliOK(["connect", fingerprint(discovering[1])])
        try discovering[1].cliOK(["connect", fingerprint(discovering[0])])
        let connectedAt = Date()
        let converged = try network.waitUntil(timeout: Self.cap) {
            try network.digestsEqual(discovering)
                && (try nearbyPeople(discovering[0])).contains { $0["id"] as? String == discovering[1].identity && $0["connection"] as? String == "mutual" }
        }
        outcome.figures["nearby.converge_after_connect_s"] = seconds(converged.map { _ in Date().timeIntervalSince(connectedAt) } ?? Self.cap)
        outcome.check(converged != nil, "after connect on both sides the stores did not converge to a mutual connection: \(network.digests(discovering))")

        try flood(&outcome, discovering)
        return outcome
    }

    /// 3,000 forged announcements at 1,000 a second from four sources on the flood host: an
    /// endpoint entry signed by one key under another key's announcement signature, garbage after
    /// the magic, and stale ones. At least 2,000 must be counted (the socket buffer may lose some).
    private func flood(_ outcome: inout Scenario.Outcome, _ discovering: [LabNode]) throws {
        let sources = (0..<4).map { "198.18.0.\(Self.floodHost + $0)" }
        for source in sources.dropFirst() { try network.lab.addAddress(source, to: Self.floodHost) }
        let before = dropped(discovering[0])
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        var lines: [String] = []
        for i in 0..<3000 {
            let author = Ed25519.SigningKey.generate().key
            let forger = Ed25519.SigningKey.generate().key
            let entry = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: [198, 18, 0, 250], port: 7474)])),
                                             stamp: HLCStamp(millis: now, counter: 0), with: author)
            let nonce = Sodium.randomBytes(Announcement.nonceLength)
            switch i % 3 {
            case 0:
                let signed = Announcement.signedPart(sentAtMillis: now, nonce: nonce, entry: entry.encoded)
                lines.append(Hex.encode(signed + forger.sign(Announcement.domain + signed)))
            case 1:
                lines.append(Hex.encode(Announcement.magic + Sodium.randomBytes(200)))
            default:
                lines.append(Hex.encode(Announcement.make(endpoint: entry, sentAtMillis: now - 3_600_000, nonce: nonce, signingKey: author)))
            }
        }
        let file = network.file("forged.hex")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let sent = try network.lab.multicast(host: Self.floodHost, file: file, sources: sources, rate: 1000)
        outcome.check(sent.code == 0, "the flood did not run: \(sent.stderr)")
        let counted = network.waitUntil(timeout: 5) { dropped(discovering[0]) - before >= 2000 }
        let drops = dropped(discovering[0]) - before
        outcome.figures["nearby.flood_dropped"] = Double(drops)
        outcome.check(counted != nil, "host 1 counted only \(drops) of 3000 forged announcements as dropped")
        outcome.check(discovering.allSatisfy { $0.isRunning }, "a node stopped during the flood")
        outcome.check((discovering[0].status()?.discovery?.accepted ?? 0) > 0
                      && discovering[0].status()?.discovery?.nearby.count == 2,
                      "host 1 lists someone forged, or lost the real nodes: \(views(discovering))")
        let alive = try? network.waitForMembership(discovering, timeout: 10)
        outcome.check(alive != nil, "membership broke under the flood")
    }

    private func fingerprint(_ node: LabNode) -> String {
        (try? PublicIdentity(parsing: node.identity))?.fingerprint ?? node.identity
    }

    private func dropped(_ node: LabNode) -> Int {
        node.status()?.discovery?.dropped.values.reduce(0, +) ?? 0
    }

    private func nearby(_ node: LabNode) -> [String] {
        node.status()?.discovery?.nearby.map(\.id) ?? []
    }

    private func nearbyPeople(_ node: LabNode) throws -> [[String: Any]] {
        try node.json(["nearby"])["nearby"] as? [[String: Any]] ?? []
    }

    private func views(_ nodes: [LabNode]) -> String {
        nodes.map { node in
            let d = node.status()?.discovery
            return "h\(node.host): nearby \(nearby(node).count), sent \(d?.announcementsSent ?? 0), received \(d?.announcementsReceived ?? 0), dropped \(d?.dropped ?? [:]), send-failed \(d?.sendFailed ?? [:]), on \(d?.interfaces ?? [])"
        }.joined(separator: "; ")
    }
}

/// Two homes behind one router on one LAN, both discovering, with no public node and no invite:
/// they find each other and talk over their LAN addresses (`--test-private-prefix`), and the
/// router sees no hairpin traffic.
struct NearbyHomeLANScenario {
    let say: @Sendable (String) -> Void
    let binaries: Binaries
    static let cap: TimeInterval = 30
    static let router = 9

    func run() throws -> Scenario.Outcome {
        let lab = try Lab(hosts: [])
        do {
            try lab.addHomeLAN(router: Self.router, wan: "198.18.0.29", lan: 9, homes: [5, 6])
        } catch {
            lab.teardown()
            throw error
        }
        let network = try LabNetwork("nearby-lan", lab: lab, hosts: [5, 6], listen: "0.0.0.0:7474", binaries: binaries, say: say)
        var outcome = Scenario.Outcome()
        do {
            let extra = NearbyScenario.discover + ["--test-private-prefix", "198.19.0.0/16"]
            let start = Date()
            for node in network.nodes { try node.start(extra: extra) }
            for node in network.nodes { _ = try node.setCard("title", "Host \(node.host) at home") }
            let (a, b) = (network.nodes[0], network.nodes[1])
            let lanPath = { (from: LabNode, to: LabNode) in
                from.member(to.identity).map { $0.state == "alive" && $0.address == "\(lab.address(to.host)):7474" } ?? false
            }
            let talked = try network.waitUntil(timeout: Self.cap) {
                try lanPath(a, b) && lanPath(b, a) && network.digestsEqual()
            }
            outcome.figures["nearby.lan_converge_s"] = seconds(talked.map { _ in Date().timeIntervalSince(start) } ?? Self.cap)
            outcome.check(talked != nil, "the homes did not reach each other at their LAN addresses and converge: \(String(describing: a.member(b.identity))) / \(String(describing: b.member(a.identity))); \(network.digests())")
            let counters = try lab.homeLANCounters(router: Self.router)
            outcome.figures["nearby.lan_hairpin_datagrams"] = Double(counters.hairpin)
            outcome.check(counters.hairpin == 0, "the router saw \(counters.hairpin) hairpin datagrams")
        } catch {
            outcome.failures.append("\(error)")
        }
        if !outcome.passed { say("failed; node homes and logs kept in \(network.root)") }
        network.teardown(keepFiles: !outcome.passed)
        return outcome
    }
}
