import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// Members this node has not verified itself (issue 12, item 11): never claimed alive, shown as
/// unreachable, forgotten after the bound (PROTOCOL.md §11.3, §11.4).
extension GossipInstanceTests {
    /// Runs probe ticks every 100 ms from `start` through `end`; every send on the way.
    func ticks(_ node: inout GossipInstance<SeededRandom>, from start: UInt64, through end: UInt64)
        -> [(message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)] {
        stride(from: start, through: end, by: 100).flatMap { sends(node.handle(.tick, now: $0, store: store)) }
    }

    @Test func aMemberThisNodeHasNotVerifiedIsNeverGossipedAsAliveAndShowsUnreachable() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1])
        var out = sends(node.handle(.merged([ids.endpoints[2]]), now: t0, store: store))
        // Another node claims 2 alive, and 2 itself says so from an address nobody pinged.
        claim([MemberUpdate(member: ids.identities[2], status: .alive, incarnation: 3)], from: 1, into: &node, ids: ids, at: t0 + 10)
        let elsewhere = PeerAddress(ip: [192, 0, 2, 7], port: 4100)
        var own = GossipMessage()
        own.members = [MemberUpdate(member: ids.identities[2], status: .alive, incarnation: 7)]
        out += sends(node.handle(.datagram(own.encoded(), from: elsewhere, sender: ids.identities[2]), now: t0 + 20, store: store))
        out += ticks(&node, from: t0 + 100, through: t0 + 5000)
        let claims = out.flatMap(\.message.members).filter { $0.member == ids.identities[2] && $0.status == .alive }
        #expect(claims.isEmpty, "alive claims about an unverified member went out: \(claims)")
        let member = try #require(node.membership.first { $0.member == ids.identities[2] })
        #expect(member.report == .unreachable)
        let attempts = try #require(node.verificationAttempts(of: ids.identities[2]))
        #expect(attempts.addresses == [ids.addresses[2]])
        #expect(attempts.firstTriedAt == t0)
        #expect(node.verificationAttempts(of: ids.identities[1]) == nil, "a verified member has no attempts to show")
        #expect(node.membership.first { $0.member == ids.identities[1] }?.verified == ids.addresses[1])
    }

    @Test func aMemberLeftUnverifiedIsForgottenAfterTheBoundAndPingedNoMore() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1])
        let bound = GossipConfig().unverifiedTimeoutMillis
        _ = node.handle(.merged([ids.endpoints[2]]), now: t0, store: store)
        #expect(node.verificationAttempts(of: ids.identities[2])?.forgetAt == t0 + bound)
        let before = ticks(&node, from: t0 + 100, through: t0 + bound - 1000).filter { $0.to == ids.addresses[2] }
        #expect(!before.isEmpty, "the node keeps trying until the bound")
        #expect(node.status(of: ids.identities[2]) == .alive)
        _ = ticks(&node, from: t0 + bound - 900, through: t0 + bound + 1100)
        #expect(node.status(of: ids.identities[2]) == nil, "not forgotten after the bound")
        #expect(!node.membership.contains { $0.member == ids.identities[2] })
        let after = ticks(&node, from: t0 + bound + 1200, through: t0 + bound + 5000).filter { $0.to == ids.addresses[2] }
        #expect(after.isEmpty, "a forgotten member is pinged no more")
        #expect(node.membership.contains { $0.member == ids.identities[1] }, "a verified member is kept, silent or not")
    }

    @Test func aForgottenMemberThatSpeaksForItselfIsTakenUpAndVerifiedAgain() throws {
        let ids = try #require(Self.ids)
        var config = GossipConfig()
        config.unverifiedTimeoutMillis = 3000
        var node = GossipInstance(identity: ids.identities[0], config: config, random: SeededRandom(seed: 1), now: t0,
                                  incarnation: 5, endpoint: ids.endpoints[0], network: ids.network(0))
        _ = node.handle(.merged([ids.endpoints[2]]), now: t0, store: store)
        _ = ticks(&node, from: t0 + 100, through: t0 + 5000)
        #expect(node.status(of: ids.identities[2]) == nil)
        var ping = GossipMessage()
        ping.ping = 1
        let out = sends(node.handle(.datagram(ping.encoded(), from: ids.addresses[2], sender: ids.identities[2]),
                                    now: t0 + 5100, store: store))
        #expect(node.membership.first { $0.member == ids.identities[2] }?.report == .unreachable)
        #expect(out.contains { $0.to == ids.addresses[2] && $0.message.ping != nil && $0.message.entries == [ids.endpoints[0].encoded] },
                "it is verified anew at its endpoint")
    }

    @Test func aPersistedPeerThatIsDownAfterARestartIsSuspectedAndDeclaredDeadNotKeptAlive() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1])
        _ = ticks(&node, from: t0, through: t0 + 2500)
        #expect(node.status(of: ids.identities[1]) == .suspect, "probed at once, and suspected when silent")
        let suspicion = GossipConfig().suspicionBounds(members: 2).max
        _ = ticks(&node, from: t0 + 2600, through: t0 + 2600 + suspicion)
        #expect(node.membership.first { $0.member == ids.identities[1] }?.report == .dead)
    }
}
