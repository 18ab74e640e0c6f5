import Foundation
import GrapevineCore
import Node
import SealedDatagrams
import Sodium
import Testing

/// Relay frames (PROTOCOL.md §11.9.1) against a real node: the header is checked in the spec's
/// order, each failure counted by its reason; a node that is not a relay (on loopback it is never
/// confirmed public) drops valid type 1 frames as `not-relaying`; a type 2 frame on a circuit the
/// node does not hold is `unknown-circuit`; and the node keeps converging.
@Suite("Relay frame input", .serialized)
struct RelayFrameInputTests {
    func frame(type: UInt8, circuit: UInt64, inner: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [RelayFrame.magic, type]
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: circuit >> UInt64(shift))) }
        return out + inner
    }

    @Test("bad relay headers, frames to a non-relay and frames on unknown circuits are dropped and counted by reason")
    func relayFramesAreCountedByReason() throws {
        let harness = try NodeHarness()
        let (a, port, target) = try harness.startInvitedPair()
        let sender = try #require(Ed25519.SigningKey(seed: Sodium.randomBytes(32)))
        var sealer = DatagramSealer(signingKey: sender, epoch: 1)
        let inner = try sealer.sealedForTest([0x08, 0x02], to: target)
        let socket = try UDPSocket()

        socket.send(frame(type: 1, circuit: 5, inner: [DatagramFormat.magic]), toPort: port)
        socket.send(frame(type: 1, circuit: 5, inner: [UInt8](repeating: DatagramFormat.magic, count: 1201)), toPort: port)
        socket.send(frame(type: 3, circuit: 5, inner: inner), toPort: port)
        socket.send(frame(type: 1, circuit: 0, inner: inner), toPort: port)
        socket.send(frame(type: 1, circuit: 5, inner: [0x91] + inner.dropFirst()), toPort: port)
        socket.send(frame(type: 1, circuit: 5, inner: inner), toPort: port)
        socket.send(frame(type: 2, circuit: 5, inner: inner), toPort: port)

        let expected = ["too-small": 1, "too-large": 1, "unknown-type": 1, "zero-circuit": 1, "bad-inner-magic": 1,
                        "not-relaying": 1, "unknown-circuit": 1]
        let counted = harness.waitUntil(timeout: 4) {
            let drops = harness.status("a")?.relay?.drops ?? [:]
            return expected.allSatisfy { drops[$0.key, default: 0] == $0.value }
        }
        #expect(counted != nil, "relay drops: \(harness.status("a")?.relay?.drops ?? [:])")
        #expect(harness.status("a")?.counters.drops["bad-magic"] == nil, "a relay frame is not a bad datagram")
        #expect(harness.status("a")?.relay?.relaying == false)

        #expect(try harness.cli("b", ["card", "set", "org", "Still converging"]).code == 0)
        let converged = try harness.waitUntil(timeout: 5) { try harness.digest("a").digest == harness.digest("b").digest }
        #expect(converged != nil)
        #expect(harness.status("a")?.pid == a.pid, "the node is still the same process")
    }
}
