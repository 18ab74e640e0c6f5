import Foundation
import Testing

/// A quiet idle node (issue 16): a command's write reaches the running node over its wake-up
/// socket rather than at the next outbox poll, and `status.json` is written only when what it
/// shows changes, while `status` still finds the node running and shows fresh counters.
@Suite("A quiet idle node", .serialized)
struct QuietNodeTests {
    @Test("a command's write reaches the running node at once, though its outbox poll is an hour away")
    func aWriteWakesTheNode() throws {
        let harness = try NodeHarness()
        #expect(try harness.cli("a", ["init", "--name", "A"]).code == 0)
        let started = try harness.start("a", extra: ["--test-outbox-poll-ms", "3600000"])
        let before = started.counters.localEntries
        #expect(try harness.cli("a", ["card", "set", "note", "written while the node runs"]).code == 0)
        let taken = harness.waitUntil(timeout: 10) { (harness.status("a")?.counters.localEntries ?? 0) > before }
        #expect(taken != nil, "the node did not read the outbox when the command wrote it")
    }

    @Test("an idle node does not rewrite status.json, and status still shows it running with fresh counters")
    func anIdleNodeWritesNoSnapshot() throws {
        let harness = try NodeHarness()
        for name in ["a", "b"] {
            #expect(try harness.cli(name, ["init", "--name", name.uppercased()]).code == 0)
        }
        _ = try harness.start("a")
        let token = try #require(try harness.cli("a", ["invite"]).stdout.split(separator: "\n").last.map(String.init))
        _ = try harness.start("b", extra: ["--peer", token])
        let joined = harness.waitUntil(timeout: 10) {
            ["a", "b"].allSatisfy { harness.status($0)?.members.first?.state == "alive" }
        }
        try #require(joined != nil, "a and b did not see each other alive")
        // Settled: a and b probe each other every second, which changes only traffic counters.
        Thread.sleep(forTimeInterval: 2)
        var written: Set<UInt64> = []
        for _ in 0..<40 {
            if let status = harness.status("a") { written.insert(status.writtenMillis) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(written.count <= 1, "a idle node wrote status.json \(written.count) times in 4 s")

        let onFile = try #require(harness.status("a"))
        let result = try harness.cli("a", ["status", "--json"])
        #expect(result.code == 0, "status does not see the idle node running: \(result.stdout) \(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let counters = try #require(json?["counters"] as? [String: Any])
        let datagrams = try #require(counters["datagramsIn"] as? Int)
        #expect(datagrams > onFile.counters.datagramsIn, "status showed the counters of an old snapshot")
    }
}
