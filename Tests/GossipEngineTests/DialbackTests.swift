import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// Explicit dial-back (PROTOCOL.md §11.7), driven by hand with NATTests' lab-style addresses:
/// the requester, the helper that picks a dialer, and the dialer's one bare ping.
extension NATTests {
    typealias Sent = (message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)

    func dialbackRequest(_ candidates: [PublicIdentity]) -> GossipMessage {
        var message = GossipMessage()
        message.dialbackRequest = DialbackRequest(candidates: candidates)
        return message
    }

    func dialback(peer: PublicIdentity, target: PeerAddress) -> GossipMessage {
        var message = GossipMessage()
        message.dialback = Dialback(peer: peer, target: target)
        return message
    }

    @Test func anUnconfirmedNodeAsksAVerifiedPeerForADialBackOnlyFromMembersItHasNotSentToAndStopsOnceConfirmed() throws {
        let ids = try #require(Self.ids)
        let publicIP: [UInt8] = [198, 18, 0, 1]
        let helper = address([198, 18, 1, 2])
        var x = node(ids, 0, ip: publicIP, endpoint: try endpoint(ids, 0, [NodeAddress(ip: publicIP, port: 7474, origin: .interface)]),
                     peers: [KnownPeer(identity: ids.identities[1], address: helper)])
        var out = sends(x.handle(.merged([
            try endpoint(ids, 1, [NodeAddress(ip: helper.ip, port: 7474, origin: .interface)]),
            // Only a LAN address elsewhere: never pinged, so a ping from it would come unasked.
            try endpoint(ids, 2, [NodeAddress(ip: [198, 19, 2, 4], port: 7474, origin: .interface)]),
            // Pinged at once to be verified: its answer proves nothing.
            try endpoint(ids, 3, [NodeAddress(ip: [198, 18, 3, 3], port: 7474, origin: .interface)]),
        ]), now: t0, store: store))
        for step in 1...20 { out += sends(x.handle(.tick, now: t0 + UInt64(step) * 100, store: store)) }
        let requests = out.filter { $0.message.dialbackRequest != nil }
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.to == helper)
        #expect(request.message.dialbackRequest?.candidates == [ids.identities[2]])
        #expect(request.message.members.isEmpty && request.message.entries.isEmpty, "nothing rides along")

        var later: [Sent] = []
        for step in 1...50 { later += sends(x.handle(.tick, now: t0 + 2000 + UInt64(step) * 1000, store: store)) }
        #expect(!later.contains { $0.message.dialbackRequest != nil }, "one request per dial-back interval")
        var ping = GossipMessage()
        ping.ping = 77
        _ = x.handle(datagram(ping, from: address([198, 18, 2, 40], 4100), ids.identities[2]), now: t0 + 60_000, store: store)
        #expect(x.reachability.confirmed, "the dial-back came from an IP this node never sent to")
        var confirmed: [Sent] = []
        for step in 1...70 { confirmed += sends(x.handle(.tick, now: t0 + 60_000 + UInt64(step) * 1000, store: store)) }
        #expect(!confirmed.contains { $0.message.dialbackRequest != nil }, "a confirmed node asks no more")
    }

    @Test func theHelperPassesARequestOnlyToAVerifiedCandidateOffTheRequestersSubnetOncePerInterval() throws {
        let ids = try #require(Self.ids)
        let hIP: [UInt8] = [198, 18, 1, 2]
        let x = address([198, 18, 0, 1])
        let d = address([198, 18, 2, 40], 4100)
        let neighbour = address([198, 18, 0, 77])
        var h = node(ids, 1, ip: hIP, endpoint: try endpoint(ids, 1, [NodeAddress(ip: hIP, port: 7474, origin: .interface)]),
                     peers: [KnownPeer(identity: ids.identities[0], address: x), KnownPeer(identity: ids.identities[2], address: d),
                             KnownPeer(identity: ids.identities[3], address: neighbour)])
        let request = dialbackRequest([ids.identities[3], ids.identities[4], ids.identities[2]])
        let forged = sends(h.handle(datagram(request, from: address([198, 18, 9, 9]), ids.identities[0]), now: t0, store: store))
        #expect(!forged.contains { $0.message.dialback != nil }, "a request from an unverified address is ignored")

        let out = sends(h.handle(datagram(request, from: x, ids.identities[0]), now: t0 + 10, store: store))
        let passed = out.filter { $0.message.dialback != nil }
        #expect(passed.count == 1)
        let toD = try #require(passed.first)
        #expect(toD.to == d && toD.recipient == ids.identities[2],
                "the candidate on the requester's /24 and the unknown one are passed over")
        #expect(toD.message.dialback == Dialback(peer: ids.identities[0], target: x))
        #expect(toD.message.members.isEmpty && toD.message.entries.isEmpty)

        let again = sends(h.handle(datagram(request, from: x, ids.identities[0]), now: t0 + 30_000, store: store))
        #expect(!again.contains { $0.message.dialback != nil }, "one request per requester per dial-back interval")
        let next = sends(h.handle(datagram(request, from: x, ids.identities[0]), now: t0 + 61_000, store: store))
        #expect(next.contains { $0.message.dialback != nil })
    }

    @Test func theDialerSendsOneBarePingToAPublicTargetOnlyForAVerifiedHelperAndUnderThePerHostLimit() throws {
        let ids = try #require(Self.ids)
        let lanIP: [UInt8] = [198, 19, 2, 4]
        let helper = address([198, 18, 1, 2])
        let x = address([198, 18, 0, 1])
        var d = node(ids, 2, ip: lanIP, endpoint: try endpoint(ids, 2, [NodeAddress(ip: lanIP, port: 7474, origin: .interface)]),
                     peers: [KnownPeer(identity: ids.identities[1], address: helper)])
        let request = dialback(peer: ids.identities[0], target: x)
        let forged = sends(d.handle(datagram(request, from: address([198, 18, 9, 9]), ids.identities[1]), now: t0, store: store))
        #expect(!forged.contains { $0.to == x })

        let out = sends(d.handle(datagram(request, from: helper, ids.identities[1]), now: t0 + 10, store: store)).filter { $0.to == x }
        #expect(out.count == 1)
        let ping = try #require(out.first)
        #expect(ping.recipient == ids.identities[0])
        #expect(ping.message.ping != nil)
        #expect(ping.message.entries.isEmpty && ping.message.members.isEmpty && ping.message.ack == nil, "only the ping")

        let second = dialback(peer: ids.identities[3], target: address(x.ip, 7475))
        let sameHost = sends(d.handle(datagram(second, from: helper, ids.identities[1]), now: t0 + 20, store: store))
        #expect(!sameHost.contains { $0.to.ip == x.ip }, "one ping per unverified host per probe interval")
        let lan = dialback(peer: ids.identities[3], target: address([198, 19, 2, 9]))
        let onLAN = sends(d.handle(datagram(lan, from: helper, ids.identities[1]), now: t0 + 5000, store: store))
        #expect(!onLAN.contains { $0.message.ping != nil && $0.recipient == ids.identities[3] }, "never into a LAN")
    }

    @Test func aPingFromAnAddressThisNodeSentToConfirmsNothingButOneFromAnotherPortDoes() throws {
        let ids = try #require(Self.ids)
        let publicIP: [UInt8] = [198, 18, 0, 1]
        let peer = address([198, 18, 1, 2])
        var x = node(ids, 0, ip: publicIP, endpoint: try endpoint(ids, 0, [NodeAddress(ip: publicIP, port: 7474, origin: .interface)]))
        _ = x.handle(.merged([try endpoint(ids, 1, [NodeAddress(ip: peer.ip, port: 7474, origin: .interface)])]), now: t0, store: store)
        var ping = GossipMessage()
        ping.ping = 5
        _ = x.handle(.tick, now: t0 + 1, store: store)
        _ = x.handle(datagram(ping, from: peer, ids.identities[1]), now: t0 + 10, store: store)
        #expect(!x.reachability.confirmed, "a home router admits answers from the address its host sent to")
        _ = x.handle(datagram(ping, from: address(peer.ip, 7475), ids.identities[2]), now: t0 + 20, store: store)
        #expect(x.reachability.confirmed, "a datagram from an address never sent to crossed no filter opened for it")
    }
}
