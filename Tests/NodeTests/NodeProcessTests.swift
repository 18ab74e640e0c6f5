import Foundation
import GossipEngine
import Testing
import Node

/// Real node processes on loopback (issue: node over real UDP). Each test starts its own nodes
/// on OS-chosen ports and the harness kills whatever is left when it ends.
@Suite("Node processes on loopback", .serialized)
struct NodeProcessTests {
    /// Starts `names.count` nodes: the first alone, the rest joining through its invite.
    func network(_ harness: NodeHarness, _ names: [String], extra: [String] = []) throws {
        for name in names {
            #expect(try harness.cli(name, ["init", "--name", name.capitalized]).code == 0)
        }
        _ = try harness.start(names[0], extra: extra)
        let invite = try harness.cli(names[0], ["invite"])
        let token = try #require(invite.stdout.split(separator: "\n").last.map(String.init))
        for name in names.dropFirst() {
            _ = try harness.start(name, extra: extra + ["--peer", token])
        }
    }

    @Test("five nodes that set their cards reach equal store digests within 5 s")
    func fiveNodesConverge() throws {
        let harness = try NodeHarness()
        let names = ["jeff", "jennifer", "kristina", "anonymous", "kevin"]
        try network(harness, names)
        for name in names {
            #expect(try harness.cli(name, ["card", "set", "title", "Title of \(name)"]).code == 0)
        }
        // 5 endpoints, 5 names, 5 titles.
        let took = try harness.waitUntil(timeout: 5) {
            let digests = try names.map { try harness.digest($0) }
            return Set(digests.map(\.digest)).count == 1 && digests.allSatisfy { $0.entries == 15 }
        }
        let final = try names.map { try harness.digest($0) }
        #expect(took != nil, "digests differ: \(final)")
    }

    @Test("a node stopped with SIGTERM tells its peers and exits 0 within 2 s")
    func sigtermExitsCleanly() throws {
        let harness = try NodeHarness()
        try network(harness, ["a", "b"])
        _ = harness.waitUntil(timeout: 5) { harness.status("a")?.members.contains { $0.state == "alive" } == true }
        let start = Date()
        harness.signal("b", SIGTERM)
        let code = harness.waitForExit("b", timeout: 2)
        #expect(code == 0, "exit code \(String(describing: code)) after \(Date().timeIntervalSince(start)) s")
        let left = harness.waitUntil(timeout: 3) { harness.status("a")?.members.first?.state == "left" }
        #expect(left != nil, "a sees b as \(harness.status("a")?.members.first?.state ?? "?")")
    }

    @Test("a node killed with SIGKILL is marked dead by the others within the engine's bound")
    func sigkillIsDetected() throws {
        let harness = try NodeHarness()
        let names = ["a", "b", "c", "d"]
        let probe: UInt64 = 300
        try network(harness, names, extra: ["--probe-interval-ms", "\(probe)"])
        let allAlive = harness.waitUntil(timeout: 10) {
            names.dropLast().allSatisfy { harness.status($0)?.members.filter { $0.state == "alive" }.count == 3 }
        }
        #expect(allAlive != nil)
        var config = GossipConfig()
        config.probeIntervalMillis = probe
        let bound = Double(UInt64(names.count - 1) * probe + config.suspicionBounds(members: names.count).max) / 1000
        harness.signal("d", SIGKILL)
        _ = harness.waitForExit("d", timeout: 2)
        // Lifeguard's local-health multiplier legitimately stretches probes and timeouts on a loaded
        // machine (the whole suite shares 2 cores), so the test allows the bound twice over, plus
        // one second for the status snapshots.
        let allowed = 2 * bound + 1
        let dead = harness.waitUntil(timeout: allowed) {
            names.dropLast().allSatisfy { name in
                harness.status(name)?.members.contains { $0.state == "dead" } == true
            }
        }
        #expect(dead != nil, "not all marked d dead within \(allowed) s (engine bound \(bound) s)")
    }

    @Test("a restarted node rejoins and catches up without a bootstrap argument")
    func restartRejoins() throws {
        let harness = try NodeHarness()
        try network(harness, ["a", "b", "c"])
        let converged = try harness.waitUntil(timeout: 5) { try Set(["a", "b", "c"].map { try harness.digest($0).digest }).count == 1 }
        #expect(converged != nil)
        harness.signal("c", SIGTERM)
        #expect(harness.waitForExit("c", timeout: 2) == 0)
        #expect(try harness.cli("a", ["card", "set", "org", "Written while c was down"]).code == 0)
        _ = try harness.start("c")
        let caughtUp = try harness.waitUntil(timeout: 5) {
            try Set(["a", "b", "c"].map { try harness.digest($0).digest }).count == 1
        }
        let final = try ["a", "b", "c"].map { try harness.digest($0) }
        #expect(caughtUp != nil, "c did not catch up: \(final)")
        #expect(harness.status("c")?.members.filter { $0.state == "alive" }.count == 2)
    }
}
