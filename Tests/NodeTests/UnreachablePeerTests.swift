import Foundation
import GrapevineCore
import Testing

/// An invite whose address never answers (issue 12, item 11): `peer add` says so, no node shows
/// the peer alive, and every node forgets it after the bound.
@Suite("A peer that never answers", .serialized)
struct UnreachablePeerTests {
    /// The states `status --json` of a home shows for `member` ("" when it is not listed).
    func state(_ harness: NodeHarness, _ name: String, of member: String) throws -> String {
        let result = try harness.cli(name, ["status", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let members = json["members"] as? [[String: Any]] ?? []
        return members.first { $0["id"] as? String == member }.map { $0["state"] as? String ?? "?" } ?? ""
    }

    @Test("peer add of an invite where nothing listens says no answer; both nodes show it unreachable, never alive, and forget it")
    func silentInviteIsUnreachableThenForgotten() throws {
        let harness = try NodeHarness()
        let bound = 10_000
        let extra = ["--test-unverified-timeout-ms", "\(bound)"]
        for name in ["a", "b", "ghost"] {
            #expect(try harness.cli(name, ["init", "--name", name.uppercased()]).code == 0)
        }
        _ = try harness.start("a", extra: extra)
        let invite = try harness.cli("a", ["invite"])
        let token = try #require(invite.stdout.split(separator: "\n").last.map(String.init))
        _ = try harness.start("b", extra: extra + ["--peer", token])
        let joined = harness.waitUntil(timeout: 10) {
            ["a", "b"].allSatisfy { harness.status($0)?.members.first?.state == "alive" }
        }
        try #require(joined != nil, "a and b did not see each other alive")

        // Port 9 (discard) on loopback: nothing answers there.
        let ghostInvite = try harness.cli("ghost", ["invite", "--advertise", "127.0.0.1:9"])
        let ghostToken = try #require(ghostInvite.stdout.split(separator: "\n").last.map(String.init))
        let ghost = try harness.cli("ghost", ["id", "--json"])
        let ghostID = try #require((try JSONSerialization.jsonObject(with: Data(ghost.stdout.utf8)) as? [String: Any])?["id"] as? String)
        let added = try harness.cli("a", ["peer", "add", ghostToken])
        #expect(added.code == 2, "exit \(added.code): \(added.stdout) \(added.stderr)")
        #expect(added.stdout.contains("no answer from 127.0.0.1:9 yet"), "\(added.stdout)")

        var seen: [String: Set<String>] = ["a": [], "b": []]
        let forgotten = try harness.waitUntil(timeout: Double(bound) / 1000 + 10) {
            for name in ["a", "b"] { seen[name, default: []].insert(try state(harness, name, of: ghostID)) }
            return try ["a", "b"].allSatisfy { try state(harness, $0, of: ghostID).isEmpty }
                && seen.values.allSatisfy { $0.contains("unreachable") }
        }
        #expect(seen["a"]?.contains("unreachable") == true && seen["b"]?.contains("unreachable") == true, "states seen: \(seen)")
        #expect(seen.values.allSatisfy { !$0.contains("alive") }, "states seen: \(seen)")
        #expect(forgotten != nil, "not forgotten within the bound; states seen: \(seen)")
        #expect(harness.status("a")?.members.map(\.state) == ["alive"], "a keeps b")
    }
}
