import Foundation
import GrapevineCore
import Node
import SealedDatagrams
import Sodium
import Testing

/// Untrusted input against a real node: every bad datagram is dropped and counted by reason,
/// a signed endpoint that points at a victim gets only the bounded probe, and the node keeps
/// converging with its honest peer.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    @Test("malformed, forged, replayed and misaddressed datagrams are dropped with the right counter")
    func badDatagramsAreCounted() throws {
        let harness = try NodeHarness()
        let (a, port, target) = try harness.startInvitedPair()

        let attacker = try #require(Ed25519.SigningKey(seed: Sodium.randomBytes(32)))
        let other = try #require(Ed25519.SigningKey(seed: Sodium.randomBytes(32)))
        var sealer = DatagramSealer(signingKey: attacker, epoch: 1)
        let socket = try UDPSocket()

        socket.send([DatagramFormat.magic, 1, 2, 3], toPort: port)
        socket.send([UInt8](repeating: DatagramFormat.magic, count: 1300), toPort: port)
        socket.send([0x00] + Sodium.randomBytes(200), toPort: port)
        let valid = try sealer.sealedForTest([0xff, 0xff], to: target)
        socket.send(valid, toPort: port)
        socket.send(valid, toPort: port)
        var forged = try sealer.sealedForTest([1, 2, 3], to: target)
        forged[forged.count - 2] ^= 0x40
        socket.send(forged, toPort: port)
        var misaddressed = DatagramSealer(signingKey: attacker, epoch: 2)
        socket.send(try misaddressed.sealedForTest([1], to: PublicIdentity(other)), toPort: port)

        let expected = ["too-small": 1, "too-large": 1, "bad-magic": 1, "replayed": 1, "forged": 2]
        let counted = harness.waitUntil(timeout: 4) {
            let drops = harness.status("a")?.counters.drops ?? [:]
            return expected.allSatisfy { drops[$0.key, default: 0] >= $0.value }
        }
        #expect(counted != nil, "drops: \(harness.status("a")?.counters.drops ?? [:])")

        #expect(try harness.cli("b", ["card", "set", "org", "Still converging"]).code == 0)
        let converged = try harness.waitUntil(timeout: 5) { try harness.digest("a").digest == harness.digest("b").digest }
        #expect(converged != nil)
        #expect(harness.status("a")?.pid == a.pid, "the node is still the same process")
    }

    @Test("a signed endpoint pointing at a victim address draws at most one probe per probe interval")
    func reflectionIsBounded() throws {
        let harness = try NodeHarness()
        #expect(try harness.cli("a", ["init", "--name", "a"]).code == 0)
        _ = try harness.start("a", extra: ["--probe-interval-ms", "500"])
        let victim = try UDPSocket()
        let liar = try #require(Ed25519.SigningKey(seed: Sodium.randomBytes(32)))
        let endpoint = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: [127, 0, 0, 1], port: victim.port)])),
                                            stamp: HLCStamp(millis: UInt64(Date().timeIntervalSince1970 * 1000), counter: 0),
                                            with: liar)
        let invite = try #require(Invite(entry: endpoint))
        // `peer add` waits for an answer that never comes; the victim's socket queues meanwhile.
        let start = Date()
        #expect(try harness.cli("a", ["peer", "add", invite.text]).code == 2, "the victim does not answer")
        let received = victim.count(for: 4)
        let seconds = Date().timeIntervalSince(start)
        let bound = Int(seconds / 0.5) + 1
        #expect(received <= bound, "the victim received \(received) datagrams in \(seconds) s; bound \(bound)")
        #expect(received >= 1, "the node should probe the unverified address")
    }
}
