import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// Payloads of another protocol version are refused whole, and the refusal names the version the
/// authenticated sender speaks (PROTOCOL.md §11.2, §15.2).
@Suite struct FrameVersionTests {
    static let ids: SimIdentities? = try? SimIdentities(count: 2)
    let t0: UInt64 = 1_764_000_000_000

    func ping(version: UInt32) -> [UInt8] {
        var message = GossipMessage()
        message.version = version
        message.ping = 7
        return message.encoded()
    }

    @Test("this engine speaks version 2, and refuses version 0 as malformed")
    func versions() throws {
        #expect(GossipConfig.protocolVersion == 2 && GossipMessage().version == 2)
        #expect(throws: GossipDecodeError(.malformed, "no version")) { try GossipMessage.decode([0x1a, 0x02, 0x08, 0x07]) }
        #expect(GossipMessage.statedVersion(ping(version: 1)) == 1)
        #expect(GossipMessage.statedVersion([0xff]) == nil)
    }

    @Test("a v1 or v3 ping is not answered; the engine reports the sender and the version it speaks")
    func otherVersionsAreRefusedWithTheirSender() throws {
        let ids = try #require(Self.ids)
        var node = GossipInstance(identity: ids.identities[0], random: SeededRandom(seed: 1), now: t0, incarnation: 5,
                                  endpoint: ids.endpoints[0], network: ids.network(0))
        for (version, code) in [(UInt32(1), GossipDecodeError.Code.oldVersion), (3, .newerVersion)] {
            let out = node.handle(.datagram(ping(version: version), from: ids.addresses[1], sender: ids.identities[1]),
                                  now: t0 + 10, store: SimStore())
            #expect(!out.contains { if case .send = $0 { true } else { false } }, "nothing is answered")
            let refusal = out.compactMap { directive -> (GossipDecodeError, PeerAddress, PublicIdentity)? in
                guard case .refused(let error, let source, let sender) = directive else { return nil }
                return (error, source, sender)
            }
            #expect(refusal.count == 1)
            #expect(refusal.first?.0.code == code && refusal.first?.0.spokenVersion == version)
            #expect(refusal.first?.1 == ids.addresses[1] && refusal.first?.2 == ids.identities[1])
        }
        let answered = node.handle(.datagram(ping(version: 2), from: ids.addresses[1], sender: ids.identities[1]),
                                   now: t0 + 20, store: SimStore())
        #expect(answered.contains { if case .send = $0 { true } else { false } }, "a v2 ping is answered")
    }
}
