import Foundation
import GrapevineCore
import TestKit
import Testing

/// What a running node guards in its home: it is the only node there, and its store file is the
/// one it opened (issue 12, items 4 and 6).
@Suite("A running node's home", .serialized)
struct HomeGuardTests {
    /// Starts a and b, b joining through a's invite, and waits until each holds the other alive.
    func pair(_ harness: NodeHarness) throws {
        for name in ["a", "b"] {
            #expect(try harness.cli(name, ["init", "--name", name.uppercased()]).code == 0)
        }
        _ = try harness.start("a")
        let invite = try harness.cli("a", ["invite"])
        let token = try #require(invite.stdout.split(separator: "\n").last.map(String.init))
        _ = try harness.start("b", extra: ["--peer", token])
        let joined = harness.waitUntil(timeout: 10) {
            ["a", "b"].allSatisfy { harness.status($0)?.members.first?.state == "alive" }
        }
        try #require(joined != nil, "a and b did not see each other alive")
    }

    /// Starts a lone node a; the path of its store file.
    func lone(_ harness: NodeHarness) throws -> String {
        #expect(try harness.cli("a", ["init", "--name", "A"]).code == 0)
        _ = try harness.start("a")
        return GrapevineHome(path: harness.home("a")).storePath
    }

    /// Waits for a to stop; its log.
    func stopped(_ harness: NodeHarness) -> String {
        let code = harness.waitForExit("a", timeout: 5)
        #expect(code != nil && code != 0, "exit code \(String(describing: code))")
        return (try? String(contentsOfFile: harness.home("a") + ".log", encoding: .utf8)) ?? ""
    }

    @Test("a second run on a home whose node runs exits 1 naming it, and the first node keeps its peers")
    func secondRunIsRefused() throws {
        let harness = try NodeHarness()
        try pair(harness)
        let first = try #require(harness.status("a"))
        let second = try ProcessRunner.run(NodeHarness.binary, ["run", "--home", harness.home("a"), "--listen", "127.0.0.1:0"],
                                           timeout: 5)
        #expect(second.code == 1, "second run: exit \(second.code), stderr \(second.stderr)")
        #expect(second.stderr.contains("already running"), "\(second.stderr)")
        #expect(second.stderr.contains("pid \(first.pid)"), "\(second.stderr)")
        #expect(second.stderr.contains(first.listen), "\(second.stderr)")
        #expect(harness.processes["a"]?.isRunning == true)

        // A CLI write beside the running node still reaches b, and a's view of b is unchanged.
        #expect(try harness.cli("a", ["card", "set", "title", "Written beside the node"]).code == 0)
        let reached = try harness.waitUntil(timeout: 5) { try harness.digest("a").digest == harness.digest("b").digest }
        #expect(reached != nil, "the write did not reach b")
        #expect(harness.status("a")?.members.first?.state == "alive")
        #expect(harness.status("b")?.members.first?.state == "alive")
        #expect(harness.status("b")?.members.first?.address == first.listen)
        let peers = try String(contentsOfFile: harness.home("a") + "/peers.json", encoding: .utf8)
        #expect(peers.contains(try #require(harness.status("b")).identity), "peers.json: \(peers)")
    }

    @Test("a node killed with SIGKILL leaves no lock behind: the next run starts")
    func killedNodeReleasesTheLock() throws {
        let harness = try NodeHarness()
        _ = try lone(harness)
        harness.signal("a", SIGKILL)
        #expect(harness.waitForExit("a", timeout: 2) != nil)
        #expect(FileManager.default.fileExists(atPath: GrapevineHome(path: harness.home("a")).lockFilePath))
        let restarted = try harness.start("a")
        #expect(restarted.pid == harness.processes["a"]?.processIdentifier)
    }

    @Test("deleting store.sqlite under a running node stops it with an error that says what to do")
    func deletedStoreStopsTheNode() throws {
        let harness = try NodeHarness()
        let store = try lone(harness)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        let log = stopped(harness)
        #expect(log.contains("was deleted while the node ran"), "log: \(log)")
        #expect(log.contains("grapevine init --recover"), "log: \(log)")
    }

    @Test("replacing store.sqlite under a running node stops it")
    func replacedStoreStopsTheNode() throws {
        let harness = try NodeHarness()
        let store = try lone(harness)
        try FileManager.default.copyItem(atPath: store, toPath: store + ".copy")
        #expect(rename(store + ".copy", store) == 0)
        let log = stopped(harness)
        #expect(log.contains("was replaced by another file"), "log: \(log)")
    }
}
