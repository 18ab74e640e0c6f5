import Foundation
import GrapevineCore
import Node
import Sodium
import Testing

/// Signed endpoints at addresses a node must never send to, or that the kernel refuses, against
/// real nodes on loopback: the node stays up, keeps converging, and counts what it left out.
///
/// Only addresses that send nothing off this host are used: broadcasts (the kernel refuses
/// them, since a node never enables broadcast), multicast only to a node on loopback, and
/// 127.255.255.255, the broadcast address of the loopback network, which exercises the path of
/// a send the kernel refuses (EACCES), because no address rule can recognise it.
@Suite("Unusable endpoint addresses", .serialized)
struct UnusableEndpointTests {
    /// An invite carrying a stranger's signed endpoint at these addresses.
    func invite(_ addresses: [String]) throws -> String {
        let key = try #require(Ed25519.SigningKey(seed: Sodium.randomBytes(32)))
        let parsed = try addresses.map { text -> NodeAddress in
            let parts = text.split(separator: "|")
            let ip = try #require(IPText.parse(String(parts[0])))
            return NodeAddress(ip: ip, port: try #require(UInt16(parts[1])))
        }
        let entry = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: parsed)),
                                         stamp: HLCStamp(millis: UInt64(Date().timeIntervalSince1970 * 1000), counter: 0),
                                         with: key)
        return try #require(Invite(entry: entry)).text
    }

    /// Nodes a and b on loopback, b started with `extra` and a's invite; a's first status.
    func startPair(_ harness: NodeHarness, b extra: [String] = []) throws -> NodeStatus {
        for name in ["a", "b"] { #expect(try harness.cli(name, ["init", "--name", name]).code == 0) }
        let a = try harness.start("a")
        let token = try #require(try harness.cli("a", ["invite"]).stdout.split(separator: "\n").last.map(String.init))
        _ = try harness.start("b", extra: extra + ["--peer", token])
        return a
    }

    func log(_ harness: NodeHarness, _ name: String) -> String {
        (try? String(contentsOfFile: harness.home(name) + ".log", encoding: .utf8)) ?? ""
    }

    /// `status --json` of a home, as a script reads it.
    func statusCounters(_ harness: NodeHarness, _ name: String) throws -> [String: Any] {
        let result = try harness.cli(name, ["status", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(json?["counters"] as? [String: Any], "status --json: \(result.stdout) \(result.stderr)")
    }

    @Test("a node on loopback outlives endpoints at broadcast and multicast addresses, counts them, and keeps converging")
    func loopbackListener() throws {
        let harness = try NodeHarness()
        let a = try startPair(harness)
        for addresses in [["255.255.255.255|7474", "::ffff:255.255.255.255|7474"], ["224.0.0.251|5353", "ff02::1|7474"],
                          ["127.255.255.255|7474"]] {
            // Added, but never answered: exit 2 (docs/CLI.md); broadcast and multicast ones are named.
            let added = try harness.cli("a", ["peer", "add", try invite(addresses)])
            #expect(added.code == 2)
            #expect(addresses[0].hasPrefix("127.") || added.stdout.contains("no node sends there"), "\(added.stdout)")
        }
        let counted = harness.waitUntil(timeout: 8) {
            guard let counters = harness.status("a")?.counters else { return false }
            return counters.sendFailed["EACCES", default: 0] >= 1 && counters.addressesIgnored["broadcast"] == 2
                && counters.addressesIgnored["multicast"] == 2
        }
        #expect(counted != nil, "counters: \(String(describing: harness.status("a")?.counters))")

        #expect(try harness.cli("b", ["card", "set", "org", "Still converging"]).code == 0)
        let converged = try harness.waitUntil(timeout: 6) { try harness.digest("a").digest == harness.digest("b").digest }
        #expect(converged != nil, "log of a:\n\(log(harness, "a"))")
        #expect(harness.processes["a"]?.isRunning == true && harness.status("a")?.pid == a.pid, "the node is still the same process")

        let counters = try statusCounters(harness, "a")
        #expect((counters["sendFailed"] as? [String: Int])?["EACCES", default: 0] ?? 0 >= 1)
        #expect((counters["addressesIgnored"] as? [String: Int]) == ["broadcast": 2, "multicast": 2])
        let text = try harness.cli("a", ["status"]).stdout
        #expect(text.contains("send-failed") && text.contains("EACCES") && text.contains("broadcast"), "\(text)")
        let lines = log(harness, "a")
        #expect(lines.components(separatedBy: "could not send a datagram").count - 1 == 1,
                "one failing address is logged once a minute, not once a probe:\n\(lines)")
    }

    @Test("a peer that joins advertising 255.255.255.255 does not stop the node whose invite it used")
    func peerAdvertisingTheLimitedBroadcast() throws {
        let harness = try NodeHarness()
        let a = try startPair(harness, b: ["--advertise", "255.255.255.255:7474"])
        let ignored = harness.waitUntil(timeout: 5) { harness.status("a")?.counters.addressesIgnored["broadcast"] == 1 }
        #expect(ignored != nil, "counters: \(String(describing: harness.status("a")?.counters))")
        Thread.sleep(forTimeInterval: 2)
        #expect(harness.processes["a"]?.isRunning == true && harness.status("a")?.pid == a.pid, "log:\n\(log(harness, "a"))")
    }

    @Test("a node on a wildcard address outlives an endpoint at the limited broadcast and ignores unspecified and loopback ones")
    func wildcardListener() throws {
        let harness = try NodeHarness()
        #expect(try harness.cli("w", ["init", "--name", "w"]).code == 0)
        let w = try harness.start("w", listen: "0.0.0.0:0")
        for addresses in [["255.255.255.255|7474", "0.0.0.0|9"], ["127.0.0.1|9", "::1|9"]] {
            #expect(try harness.cli("w", ["peer", "add", try invite(addresses)]).code == 2)
        }
        let counted = harness.waitUntil(timeout: 6) {
            harness.status("w")?.counters.addressesIgnored == ["broadcast": 1, "unspecified": 1, "loopback": 2]
        }
        #expect(counted != nil, "counters: \(String(describing: harness.status("w")?.counters))")
        // Several probe intervals: each would have pinged the broadcast address once.
        Thread.sleep(forTimeInterval: 3)
        #expect(harness.processes["w"]?.isRunning == true && harness.status("w")?.pid == w.pid, "log:\n\(log(harness, "w"))")
        #expect((try statusCounters(harness, "w")["addressesIgnored"] as? [String: Int])?["broadcast"] == 1)
    }
}
