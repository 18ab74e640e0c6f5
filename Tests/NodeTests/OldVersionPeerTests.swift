import Foundation
import GossipEngine
import GrapevineCore
import Node
import SealedDatagrams
import Sodium
import Testing

/// A v2 node next to a peer that still speaks v1 (PROTOCOL.md §15.2): the v1 datagrams and frames are
/// dropped and counted, the peer is named once its datagram has opened, the hint is logged once, and
/// the node goes on converging with its v2 peer.
@Suite("Old-version peers", .serialized)
struct OldVersionPeerTests {
    /// A v1 ping: `GossipMessage` version 1, ping sequence `sequence`.
    func v1Ping(_ sequence: UInt8) -> [UInt8] { [0x08, 0x01, 0x1a, 0x02, 0x08, sequence] }

    @Test("a v2 node counts a v1 peer's datagrams and frames as old-version, names it in status, logs its hint once, and keeps converging with v2 peers")
    func oldVersionPeerIsCountedNamedAndLoggedOnce() throws {
        let harness = try NodeHarness()
        let (a, port, target) = try harness.startInvitedPair()

        let old = try #require(Ed25519.SigningKey(seed: Sodium.randomBytes(32)))
        let oldID = PublicIdentity(old)
        let stranger = try #require(Ed25519.SigningKey(seed: Sodium.randomBytes(32)))
        var sealer = DatagramSealer(signingKey: old, epoch: 1)
        var strangerSealer = DatagramSealer(signingKey: stranger, epoch: 1)
        let socket = try UDPSocket()
        // Three v1 datagrams (byte 0 = 0x91, sealed alike) and one v1 frame inside a v2 datagram.
        for sequence: UInt8 in 1...3 {
            var datagram = try sealer.sealedForTest(v1Ping(sequence), to: target)
            datagram[0] = 0x91
            socket.send(datagram, toPort: port)
        }
        socket.send(try sealer.sealedForTest(v1Ping(4), to: target), toPort: port)
        // A v1 datagram whose MAC fails names nobody.
        var forged = try strangerSealer.sealedForTest(v1Ping(5), to: target)
        forged[0] = 0x91
        forged[forged.count - 1] ^= 0x01
        socket.send(forged, toPort: port)

        let counted = harness.waitUntil(timeout: 5) {
            (harness.status("a")?.counters.drops["old-version"] ?? 0) >= 4
        }
        #expect(counted != nil, "drops: \(harness.status("a")?.counters.drops ?? [:])")
        let status = try #require(harness.status("a"))
        #expect(status.counters.drops["old-version"] == 4)
        #expect(status.otherVersions?.map(\.id) == [oldID.text], "only the peer whose datagrams opened is named")
        #expect(status.otherVersions?.first?.version == 1)

        let text = try harness.cli("a", ["status"])
        #expect(text.code == 0)
        #expect(text.stdout.contains("peers on another protocol version") && text.stdout.contains(oldID.fingerprint))
        let json = try harness.cli("a", ["status", "--json"])
        #expect(json.stdout.contains("\"otherVersions\"") && json.stdout.contains(oldID.text))

        let log = (try? String(contentsOfFile: harness.home("a") + ".log", encoding: .utf8)) ?? ""
        let hints = log.split(separator: "\n").filter { $0.contains("speaks protocol version 1") && $0.contains(oldID.fingerprint) }
        #expect(hints.count == 1, "one hint per peer, not one per datagram: \(hints)")
        #expect(hints.first?.contains("upgrade") == true)

        #expect(try harness.cli("b", ["card", "set", "org", "Still converging"]).code == 0)
        let converged = try harness.waitUntil(timeout: 8) { try harness.digest("a").digest == harness.digest("b").digest }
        #expect(converged != nil, "the v2 nodes keep converging")
        #expect(harness.status("a")?.pid == a.pid, "the node is still the same process")
    }
}
