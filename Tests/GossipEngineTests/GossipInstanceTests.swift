import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// The instance driven by hand, event by event, as swift-cluster-membership's instance tests do.
@Suite struct GossipInstanceTests {
    static let ids: SimIdentities? = try? SimIdentities(count: 5)
    let t0: UInt64 = 1_764_000_000_000
    let store = SimStore()

    func make(_ ids: SimIdentities, peers: [Int] = []) -> GossipInstance<SeededRandom> {
        GossipInstance(identity: ids.identities[0], random: SeededRandom(seed: 1), now: t0, incarnation: 5,
                       endpoint: ids.endpoints[0],
                       knownPeers: peers.map { KnownPeer(identity: ids.identities[$0], address: ids.addresses[$0]) })
    }

    func sends(_ directives: [GossipDirective]) -> [(message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)] {
        directives.compactMap {
            guard case .send(let bytes, let to, let recipient) = $0, let message = try? GossipMessage.decode(bytes) else { return nil }
            return (message, to, recipient)
        }
    }

    @Test func joiningPingsTheEndpointAndVerifiesItOnlyFromThePingedAddress() throws {
        let ids = try #require(Self.ids)
        var node = make(ids)
        let out = sends(node.handle(.join(ids.endpoints[1]), now: t0, store: store))
        let ping = try #require(out.first { $0.message.ping != nil })
        #expect(ping.to == ids.addresses[1])
        #expect(ping.message.entries == [ids.endpoints[0].encoded], "the joiner introduces its own endpoint")
        #expect(node.reachableCount == 0)

        var ack = GossipMessage()
        ack.ack = ping.message.ping
        let spoofed = PeerAddress(ip: [192, 0, 2, 9], port: 4100)
        _ = node.handle(.datagram(ack.encoded(), from: spoofed, sender: ids.identities[1]), now: t0 + 30, store: store)
        #expect(node.reachableCount == 0, "an ack from another address does not verify the endpoint")

        let directives = node.handle(.datagram(ack.encoded(), from: ids.addresses[1], sender: ids.identities[1]),
                                     now: t0 + 40, store: store)
        #expect(node.reachableCount == 1)
        #expect(directives.contains(.membershipChanged(MembershipChange(
            member: ids.identities[1], status: .alive, incarnation: 0, verified: ids.addresses[1]))))
    }

    @Test func anUnverifiedEndpointIsProbedAtMostOncePerProbeInterval() throws {
        let ids = try #require(Self.ids)
        var node = make(ids)
        var pings = 0
        pings += sends(node.handle(.merged([ids.endpoints[2]]), now: t0, store: store)).filter { $0.to == ids.addresses[2] }.count
        for step in 1...20 {
            pings += sends(node.handle(.tick, now: t0 + UInt64(step) * 100, store: store)).filter { $0.to == ids.addresses[2] }.count
        }
        #expect(pings <= 3, "2 s may see at most one verification ping per second, plus the first")
        #expect(pings >= 2)
    }

    @Test func anUnansweredProbeAsksThreeHelpersThenSuspectsTheTarget() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1, 2, 3, 4])
        var probe: (message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)?
        var now = t0
        while probe == nil, now < t0 + 2000 {
            now += 10
            probe = sends(node.handle(.tick, now: now, store: store)).first { $0.message.ping != nil }
        }
        let target = try #require(probe).recipient
        let afterTimeout = sends(node.handle(.tick, now: now + node.config.pingTimeoutMillis, store: store))
        let requests = afterTimeout.filter { $0.message.pingRequest != nil }
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.message.pingRequest?.target == target && $0.recipient != target })
        let end = node.handle(.tick, now: now + node.config.probeIntervalMillis, store: store)
        #expect(end.contains { if case .membershipChanged(let c) = $0 { c.member == target && c.status == .suspect } else { false } })
        #expect(node.localHealth == 1, "helpers sent no nack, so this node doubts itself")
    }

    @Test func aSuspicionAboutItselfIsRefutedWithAHigherIncarnation() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1, 2])
        var rumour = GossipMessage()
        rumour.members = [MemberUpdate(member: ids.identities[0], status: .suspect, incarnation: 5, reporter: ids.identities[2])]
        rumour.ping = 77
        let out = sends(node.handle(.datagram(rumour.encoded(), from: ids.addresses[1], sender: ids.identities[1]),
                                    now: t0 + 10, store: store))
        #expect(node.incarnation == 6)
        let ack = try #require(out.first { $0.message.ack == 77 })
        #expect(ack.to == ids.addresses[1], "replies go to the datagram's source")
        #expect(ack.message.members.contains(MemberUpdate(member: ids.identities[0], status: .alive, incarnation: 6)))
    }

    @Test func deadOutranksSuspectAndOnlyAHigherIncarnationRevives() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1, 2])
        func tell(_ update: MemberUpdate, at dt: UInt64) {
            var m = GossipMessage()
            m.members = [update]
            _ = node.handle(.datagram(m.encoded(), from: ids.addresses[2], sender: ids.identities[2]), now: t0 + dt, store: store)
        }
        let member = ids.identities[1]
        tell(MemberUpdate(member: member, status: .suspect, incarnation: 0, reporter: ids.identities[2]), at: 1)
        #expect(node.status(of: member) == .suspect)
        tell(MemberUpdate(member: member, status: .dead, incarnation: 0), at: 2)
        #expect(node.status(of: member) == .dead)
        tell(MemberUpdate(member: member, status: .alive, incarnation: 0), at: 3)
        #expect(node.status(of: member) == .dead)
        tell(MemberUpdate(member: member, status: .alive, incarnation: 1), at: 4)
        #expect(node.status(of: member) == .alive)
    }

    @Test func leavingAnnouncesLeftToPeersAndStopsScheduling() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1, 2, 3])
        let directives = node.handle(.leave, now: t0 + 5, store: store)
        let out = sends(directives)
        #expect(!out.isEmpty)
        #expect(out.allSatisfy { $0.message.members.contains(MemberUpdate(member: ids.identities[0], status: .left, incarnation: 6)) })
        #expect(!directives.contains { if case .schedule = $0 { true } else { false } })
    }

    @Test func suspicionTimeoutShrinksWithConfirmations() {
        let config = GossipConfig()
        let (low, high) = config.suspicionBounds(members: 100)
        #expect(config.suspicionTimeout(members: 100, confirmations: 0) == high)
        #expect(config.suspicionTimeout(members: 100, confirmations: 1) < high)
        #expect(config.suspicionTimeout(members: 100, confirmations: 3) == low)
        #expect(config.retransmitLimit(members: 1000) == 16)
    }
}
