import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// Reachability from behind NATs (PROTOCOL.md §5.4, §11.7, §11.8), driven by hand: nodes at
/// lab-style addresses, public ones in 198.18.0.0/16 and homes on LANs in 198.19.0.0/16
/// (treated as private, as the lab's nodes are told to).
@Suite struct NATTests {
    static let ids: SimIdentities? = try? SimIdentities(count: 5)
    let t0: UInt64 = 1_764_000_000_000
    let store = SimStore()
    static let lans = IPPrefix(ip: [198, 19, 0, 0], length: 16).map { [$0] } ?? []

    /// A node's network: one interface address on a /24.
    func network(_ ip: [UInt8]) -> LocalNetwork {
        LocalNetwork(interfaces: IPPrefix(ip: ip, length: 24).map { [$0] } ?? [], extraPrivate: Self.lans)
    }

    func address(_ ip: [UInt8], _ port: UInt16 = 7474) -> PeerAddress { PeerAddress(ip: ip, port: port) }

    func endpoint(_ ids: SimIdentities, _ i: Int, _ addresses: [NodeAddress], millis: UInt64 = 0) throws -> SignedEntry {
        try SignedEntry.sign(.endpoint(EndpointInfo(addresses: addresses)),
                             stamp: HLCStamp(millis: t0 - 10_000 + millis, counter: 0), with: ids.keys[i])
    }

    func node(_ ids: SimIdentities, _ i: Int, ip: [UInt8], endpoint: SignedEntry, peers: [KnownPeer] = [],
              config: GossipConfig = GossipConfig()) -> GossipInstance<SeededRandom> {
        GossipInstance(identity: ids.identities[i], config: config, random: SeededRandom(seed: UInt64(i + 1)), now: t0,
                       incarnation: 5, endpoint: endpoint, knownPeers: peers, network: network(ip))
    }

    func sends(_ directives: [GossipDirective]) -> [(message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)] {
        sentMessages(directives)
    }

    func datagram(_ message: GossipMessage, from source: PeerAddress, _ sender: PublicIdentity) -> GossipEvent {
        datagramEvent(message, from: source, sender)
    }

    func ack(_ sequence: UInt64?, observed: PeerAddress?) -> GossipMessage {
        var message = GossipMessage()
        message.ack = sequence
        message.observed = observed
        return message
    }

    @Test func anAckTellsAPublicPingerWhereItCameFromOnlyTowardAVerifiedAddressOrABigEnoughPing() throws {
        let ids = try #require(Self.ids)
        let publicIP: [UInt8] = [198, 18, 0, 1]
        var p = node(ids, 0, ip: publicIP, endpoint: try endpoint(ids, 0, [NodeAddress(ip: publicIP, port: 7474, origin: .interface)]))
        let home = address([198, 18, 0, 23])
        var small = GossipMessage()
        small.ping = 7
        let bare = try #require(sends(p.handle(datagram(small, from: home, ids.identities[1]), now: t0, store: store)).first)
        #expect(bare.message.ack == 7)
        #expect(bare.message.observed == nil, "a bare ping from an unverified address is smaller than an ack that says more")
        var big = small
        big.entries = [try endpoint(ids, 1, [NodeAddress(ip: [198, 19, 1, 3], port: 7474, origin: .interface)]).encoded]
        let answer = sends(p.handle(datagram(big, from: home, ids.identities[1]), now: t0 + 10, store: store))
        #expect(answer.first { $0.message.ack == 7 }?.message.observed == home)
        let lan = address([198, 19, 1, 9])
        let overLAN = sends(p.handle(datagram(big, from: lan, ids.identities[2]), now: t0 + 20, store: store))
        #expect(overLAN.first { $0.message.ack == 7 }?.message.observed == nil, "a private source says nothing about a NAT")
    }

    @Test func twoObserversAtDifferentIPsClassifyTheNodeAndOnlyAnAddressTheyAgreeOnIsPublished() throws {
        let ids = try #require(Self.ids)
        let lanIP: [UInt8] = [198, 19, 1, 3]
        let p1 = address([198, 18, 0, 1])
        let p2 = address([198, 18, 1, 2])
        var h = node(ids, 0, ip: lanIP, endpoint: try endpoint(ids, 0, [NodeAddress(ip: lanIP, port: 7474, origin: .interface)]),
                     peers: [KnownPeer(identity: ids.identities[1], address: p1), KnownPeer(identity: ids.identities[2], address: p2)])
        #expect(h.reachability.kind == .none)
        let mapped = address([198, 18, 0, 23])
        let first = h.handle(datagram(ack(1, observed: mapped), from: p1, ids.identities[1]), now: t0, store: store)
        #expect(h.reachability.kind == .unknown, "one observer cannot tell the mapping")
        #expect(first.contains(.publishObserved(mapped)), "with one observer the address is still worth publishing")
        let second = h.handle(datagram(ack(2, observed: mapped), from: p2, ids.identities[2]), now: t0 + 10, store: store)
        #expect(h.reachability.kind == .endpointIndependent)
        #expect(h.reachability.observers == 2)
        #expect(!second.contains { if case .publishObserved = $0 { true } else { false } }, "nothing changed to publish")
        let other = address([198, 18, 0, 23], 40_001)
        let third = h.handle(datagram(ack(3, observed: other), from: p2, ids.identities[2]), now: t0 + 20, store: store)
        #expect(h.reachability.kind == .symmetric)
        #expect(third.contains(.publishObserved(nil)), "a mapping per destination is no use to anyone else")
        let stranger = h.handle(datagram(ack(4, observed: mapped), from: address([198, 18, 3, 3]), ids.identities[3]),
                                now: t0 + 30, store: store)
        #expect(h.reachability.observers == 2, "only verified peers are observers")
        #expect(!stranger.contains { if case .publishObserved = $0 { true } else { false } })
    }

    @Test func aPingFromAnUnlistedSourceIsPingedBackThereAndVerifiedWhileTheLANAddressIsNeverTried() throws {
        let ids = try #require(Self.ids)
        let publicIP: [UInt8] = [198, 18, 0, 1]
        var p = node(ids, 0, ip: publicIP, endpoint: try endpoint(ids, 0, [NodeAddress(ip: publicIP, port: 7474, origin: .interface)]))
        let lan = address([198, 19, 1, 3])
        let homeEntry = try endpoint(ids, 1, [NodeAddress(ip: lan.ip, port: 7474, origin: .interface)])
        var out = sends(p.handle(.merged([homeEntry]), now: t0, store: store))
        let mapped = address([198, 18, 0, 23])
        var ping = GossipMessage()
        ping.ping = 9
        out += sends(p.handle(datagram(ping, from: mapped, ids.identities[1]), now: t0 + 10, store: store))
        #expect(!out.contains { $0.to == lan }, "nobody pings someone else's LAN")
        let back = try #require(out.first { $0.to == mapped && $0.message.ping != nil })
        _ = p.handle(datagram(ack(back.message.ping, observed: address(publicIP)), from: mapped, ids.identities[1]),
                     now: t0 + 30, store: store)
        let member = try #require(p.membership.first { $0.member == ids.identities[1] })
        #expect(member.verified == mapped)
        #expect(member.report == .alive)
    }

    @Test func privateAddressesAreTriedFirstOnlyByMembersBehindTheSameObservedPublicIP() throws {
        let ids = try #require(Self.ids)
        let wan: [UInt8] = [198, 18, 0, 25]
        let h5IP: [UInt8] = [198, 19, 3, 5]
        let p1 = address([198, 18, 0, 1])
        let p2 = address([198, 18, 1, 2])
        var h5 = node(ids, 0, ip: h5IP, endpoint: try endpoint(ids, 0, [NodeAddress(ip: h5IP, port: 7474, origin: .interface)]),
                      peers: [KnownPeer(identity: ids.identities[1], address: p1), KnownPeer(identity: ids.identities[2], address: p2)])
        _ = h5.handle(datagram(ack(1, observed: address(wan)), from: p1, ids.identities[1]), now: t0, store: store)
        _ = h5.handle(datagram(ack(2, observed: address(wan)), from: p2, ids.identities[2]), now: t0 + 1, store: store)
        let h6 = try endpoint(ids, 3, [NodeAddress(ip: [198, 19, 4, 6], port: 7474, origin: .interface),
                                       NodeAddress(ip: wan, port: 7475, origin: .observed)])
        let fromH5 = sends(h5.handle(.merged([h6]), now: t0 + 10, store: store)).filter { $0.recipient == ids.identities[3] }
        #expect(fromH5.first?.to == address([198, 19, 4, 6]), "behind one router the LAN address goes first")

        let publicIP: [UInt8] = [198, 18, 0, 1]
        var p = node(ids, 1, ip: publicIP, endpoint: try endpoint(ids, 1, [NodeAddress(ip: publicIP, port: 7474, origin: .interface)]))
        var fromP = sends(p.handle(.merged([h6]), now: t0 + 10, store: store))
        for step in 1...30 { fromP += sends(p.handle(.tick, now: t0 + 10 + UInt64(step) * 100, store: store)) }
        let tried = Set(fromP.filter { $0.recipient == ids.identities[3] }.map(\.to))
        #expect(tried == [address(wan, 7475)], "a public node tries only the observed address")
    }

    @Test func aMutualMemberRelaysAPunchAndTheTargetProbesOnlyTheRequestersListedAddressesUntilOneAnswers() throws {
        let ids = try #require(Self.ids)
        let rIP: [UInt8] = [198, 18, 0, 1]
        let aLAN: [UInt8] = [198, 19, 1, 3]
        let bLAN: [UInt8] = [198, 19, 2, 4]
        let aWAN = address([198, 18, 0, 23])
        let bWAN = address([198, 18, 1, 24])
        let rEntry = try endpoint(ids, 0, [NodeAddress(ip: rIP, port: 7474, origin: .interface)])
        let aEntry = try endpoint(ids, 1, [NodeAddress(ip: aLAN, port: 7474, origin: .interface),
                                           NodeAddress(ip: aWAN.ip, port: 7474, origin: .observed)])
        let bEntry = try endpoint(ids, 2, [NodeAddress(ip: bLAN, port: 7474, origin: .interface),
                                           NodeAddress(ip: bWAN.ip, port: 7474, origin: .observed)])
        let r = address(rIP)
        var relay = node(ids, 0, ip: rIP, endpoint: rEntry,
                         peers: [KnownPeer(identity: ids.identities[1], address: aWAN), KnownPeer(identity: ids.identities[2], address: bWAN)])
        var a = node(ids, 1, ip: aLAN, endpoint: aEntry, peers: [KnownPeer(identity: ids.identities[0], address: r)])
        var b = node(ids, 2, ip: bLAN, endpoint: bEntry, peers: [KnownPeer(identity: ids.identities[0], address: r)])
        _ = a.handle(.merged([rEntry]), now: t0, store: store)
        _ = b.handle(.merged([rEntry]), now: t0, store: store)
        // A learns B's endpoint and pings its observed address: B's router drops it.
        var fromA = sends(a.handle(.merged([bEntry]), now: t0 + 10, store: store))
        #expect(fromA.contains { $0.to == bWAN && $0.message.ping != nil })
        #expect(!fromA.contains { $0.to == address(bLAN) })
        for step in 1...25 { fromA += sends(a.handle(.tick, now: t0 + 10 + UInt64(step) * 100, store: store)) }
        let request = try #require(fromA.first { $0.message.punchRequest != nil })
        #expect(request.to == r)
        #expect(request.message.punchRequest == PunchRequest(target: ids.identities[2], endpoint: aEntry.encoded))

        let fromR = sends(relay.handle(datagram(request.message, from: aWAN, ids.identities[1]), now: t0 + 3000, store: store))
        let toB = try #require(fromR.first { $0.to == bWAN && $0.message.punch != nil })
        #expect(toB.message.punch?.peer == ids.identities[1])
        #expect(toB.message.punch?.endpoint == aEntry.encoded)
        let toA = try #require(fromR.first { $0.to == aWAN && $0.message.punch != nil })
        #expect(toA.message.punch?.peer == ids.identities[2])
        let forged = sends(relay.handle(datagram(request.message, from: address([198, 18, 9, 9]), ids.identities[1]),
                                        now: t0 + 3001, store: store))
        #expect(!forged.contains { $0.message.punch != nil }, "a request from an unverified address is not relayed")

        var probes = sends(b.handle(datagram(toB.message, from: r, ids.identities[0]), now: t0 + 3020, store: store))
        var second: [(message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)] = []
        for step in 1...4 {
            let out = sends(b.handle(.tick, now: t0 + 3020 + UInt64(step) * 100, store: store))
            if step == 4 { second = out }
            probes += out
        }
        let toPeer = probes.filter { $0.recipient == ids.identities[1] && $0.message.ping != nil }
        #expect(Set(toPeer.map(\.to)) == [aWAN], "only the addresses of the requester's entry, and no LAN")
        // Its own verification ping and the first punch probe at once, the second a ping timeout later.
        #expect(toPeer.count == 3)
        let probe = try #require(second.first { $0.recipient == ids.identities[1] && $0.message.ping != nil })
        let answer = sends(a.handle(datagram(probe.message, from: bWAN, ids.identities[2]), now: t0 + 3430, store: store))
        let reply = try #require(answer.first { $0.message.ack == probe.message.ping })
        _ = b.handle(datagram(reply.message, from: aWAN, ids.identities[1]), now: t0 + 3450, store: store)
        var later: [(message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)] = []
        for step in 1...10 { later += sends(b.handle(.tick, now: t0 + 3450 + UInt64(step) * 100, store: store)) }
        #expect(later.filter { $0.recipient == ids.identities[1] && $0.message.ping != nil }.count <= 1,
                "once the path is verified the third punch probe is not sent; only a probe of the now verified member")
        let punched = try #require(b.membership.first { $0.member == ids.identities[1] })
        #expect(punched.verified == aWAN)
        #expect(punched.path == .punched)
    }

    @Test func behindANATAVerifiedPublicPeerGetsAKeepaliveEveryTenSecondsUnlessTurnedOff() throws {
        let ids = try #require(Self.ids)
        let lanIP: [UInt8] = [198, 19, 1, 3]
        let p1 = address([198, 18, 0, 1])
        let p2 = address([198, 18, 1, 2])
        let entries = [try endpoint(ids, 1, [NodeAddress(ip: p1.ip, port: 7474, origin: .interface)]),
                       try endpoint(ids, 2, [NodeAddress(ip: p2.ip, port: 7474, origin: .interface)])]
        func pingsToP1(keepalive: UInt64) throws -> Int {
            var config = GossipConfig()
            config.probeIntervalMillis = 60_000
            config.reconciliationIntervalMillis = 60_000
            // Re-sent reconciliation frames to the silent peers would keep the mapping open too.
            config.reconciliationResends = 0
            config.keepaliveIntervalMillis = keepalive
            var h = node(ids, 0, ip: lanIP, endpoint: try endpoint(ids, 0, [NodeAddress(ip: lanIP, port: 7474, origin: .interface)]),
                         peers: [KnownPeer(identity: ids.identities[1], address: p1), KnownPeer(identity: ids.identities[2], address: p2)],
                         config: config)
            _ = h.handle(.merged(entries), now: t0, store: store)
            let mapped = address([198, 18, 0, 23])
            _ = h.handle(datagram(ack(1, observed: mapped), from: p1, ids.identities[1]), now: t0 + 1, store: store)
            _ = h.handle(datagram(ack(2, observed: mapped), from: p2, ids.identities[2]), now: t0 + 2, store: store)
            var out: [(message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)] = []
            for step in stride(from: UInt64(70_000), through: 100_000, by: 250) {
                out += sends(h.handle(.tick, now: t0 + step, store: store))
            }
            return out.filter { $0.to == p1 && $0.message.ping != nil }.count
        }
        #expect(try pingsToP1(keepalive: 10_000) >= 3, "30 s of a 60-s probe interval carry three keepalives")
        #expect(try pingsToP1(keepalive: 0) <= 1, "without keepalives only probes go out")
    }

    @Test func aPingFromAnAddressNotSentToConfirmsReachabilityAndAnAnsweredOneDoesNot() throws {
        let ids = try #require(Self.ids)
        let publicIP: [UInt8] = [198, 18, 0, 1]
        let entry = try endpoint(ids, 0, [NodeAddress(ip: publicIP, port: 7474, origin: .interface)])
        let peer = address([198, 18, 1, 2])
        var ping = GossipMessage()
        ping.ping = 3

        var asked = node(ids, 0, ip: publicIP, endpoint: entry)
        _ = asked.handle(.merged([try endpoint(ids, 1, [NodeAddress(ip: peer.ip, port: 7474, origin: .interface)])]),
                         now: t0, store: store)
        _ = asked.handle(datagram(ping, from: peer, ids.identities[1]), now: t0 + 10, store: store)
        #expect(!asked.reachability.confirmed, "this node had pinged that address: its router would admit the answer")

        var unasked = node(ids, 0, ip: publicIP, endpoint: entry)
        _ = unasked.handle(datagram(ping, from: address([198, 19, 1, 3]), ids.identities[1]), now: t0, store: store)
        #expect(!unasked.reachability.confirmed, "a ping from a private address proves only the LAN")
        _ = unasked.handle(datagram(ping, from: peer, ids.identities[1]), now: t0 + 10, store: store)
        #expect(unasked.reachability.confirmed)
    }
}
