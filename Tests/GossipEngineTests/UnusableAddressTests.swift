import GossipEngine
import GossipSimulator
import GrapevineCore
import GrapevineMerge
import Testing

/// Endpoint addresses a node never sends to (PROTOCOL.md §11.3), driven by hand.
@Suite struct UnusableAddressTests {
    static let ids: SimIdentities? = try? SimIdentities(count: 6)
    let t0: UInt64 = 1_764_000_000_000
    let store = SimStore()

    static func ip(_ text: String) -> [UInt8] { IPText.parse(text) ?? [] }

    /// Unspecified, broadcast, multicast, loopback, and IPv4-mapped forms of them.
    static let unusable: [PeerAddress] = [
        PeerAddress(ip: [255, 255, 255, 255], port: 4100), PeerAddress(ip: [224, 0, 0, 251], port: 5353),
        PeerAddress(ip: [0, 0, 0, 0], port: 4100), PeerAddress(ip: [127, 0, 0, 1], port: 4100),
        PeerAddress(ip: ip("ff02::1"), port: 4100), PeerAddress(ip: ip("::"), port: 4100),
        PeerAddress(ip: ip("::1"), port: 4100), PeerAddress(ip: ip("::ffff:255.255.255.255"), port: 4100),
        PeerAddress(ip: ip("::ffff:127.0.0.1"), port: 4100), PeerAddress(ip: [0, 1, 2, 3], port: 4100),
        PeerAddress(ip: [239, 255, 255, 250], port: 1900), PeerAddress(ip: ip("::ffff:224.0.0.1"), port: 4100),
    ]

    /// Signed endpoints of identities 1…, four addresses each.
    func endpoints(_ addresses: [PeerAddress], ids: SimIdentities) throws -> [SignedEntry] {
        try stride(from: 0, to: addresses.count, by: 4).enumerated().map { n, start in
            let chunk = addresses[start..<min(start + 4, addresses.count)].map { NodeAddress(ip: $0.ip, port: $0.port) }
            return try SignedEntry.sign(.endpoint(EndpointInfo(addresses: chunk)), stamp: HLCStamp(millis: t0, counter: 0),
                                        with: ids.keys[n + 1])
        }
    }

    func make(_ ids: SimIdentities, loopback: Bool = false, peers: [KnownPeer] = []) -> GossipInstance<SeededRandom> {
        var config = GossipConfig()
        config.listensOnLoopback = loopback
        return GossipInstance(identity: ids.identities[0], config: config, random: SeededRandom(seed: 1), now: t0,
                              incarnation: 5, endpoint: ids.endpoints[0], knownPeers: peers, network: ids.network(0))
    }

    /// Every address the node sends to in `seconds` of ticks after the first event.
    func destinations(_ node: inout GossipInstance<SeededRandom>, after first: GossipEvent, seconds: Int = 5) -> [PeerAddress] {
        var out = node.handle(first, now: t0, store: store)
        for step in 1...(seconds * 10) { out += node.handle(.tick, now: t0 + UInt64(step) * 100, store: store) }
        return out.compactMap { if case .send(_, let to, _) = $0 { to } else { nil } }
    }

    @Test func endpointsAtUnspecifiedBroadcastMulticastOrLoopbackAddressesAreNeverPinged() throws {
        let ids = try #require(Self.ids)
        let bad = try endpoints(Self.unusable, ids: ids)
        for event in [GossipEvent.merged(bad), .quarantined(bad)] + bad.map(GossipEvent.join) {
            var node = make(ids)
            let sent = destinations(&node, after: event)
            #expect(sent.allSatisfy { !Self.unusable.contains($0) }, "sent to \(sent)")
        }
        var node = make(ids)
        _ = destinations(&node, after: .merged(bad))
        #expect(node.ignoredAddresses == [.broadcast: 2, .multicast: 4, .unspecified: 3, .loopback: 3])
    }

    @Test func aLoopbackListenerPingsLoopbackEndpointsButStillNoBroadcast() throws {
        let ids = try #require(Self.ids)
        let loopback = [PeerAddress(ip: [127, 0, 0, 1], port: 4100), PeerAddress(ip: Self.ip("::1"), port: 4100)]
        let broadcast = PeerAddress(ip: [255, 255, 255, 255], port: 4100)
        var node = make(ids, loopback: true)
        let sent = destinations(&node, after: .merged(try endpoints(loopback + [broadcast], ids: ids)))
        #expect(sent.contains(loopback[0]) && sent.contains(loopback[1]))
        #expect(!sent.contains(broadcast))
        #expect(node.ignoredAddresses == [.broadcast: 1])
    }

    @Test func anEndpointWithUnusableAddressesIsStillForwardedSoStoresConverge() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [KnownPeer(identity: ids.identities[5], address: ids.addresses[5])])
        let bad = try endpoints(Array(Self.unusable.prefix(4)), ids: ids)[0]
        var forwarded = false
        var out = node.handle(.merged([bad]), now: t0, store: store)
        for step in 1...10 { out += node.handle(.tick, now: t0 + UInt64(step) * 100, store: store) }
        for case .send(let payload, let to, _) in out where to == ids.addresses[5] {
            if let message = try? GossipMessage.decode(payload), message.entries.contains(bad.encoded) { forwarded = true }
        }
        #expect(forwarded, "the entry is valid: it is kept and gossiped like any other")
    }

    @Test func aSavedPeerAtAnUnusableAddressIsNotReachable() throws {
        let ids = try #require(Self.ids)
        let node = make(ids, peers: [KnownPeer(identity: ids.identities[1], address: PeerAddress(ip: [127, 0, 0, 1], port: 4100))])
        #expect(node.reachableCount == 0)
        #expect(make(ids, loopback: true, peers: [KnownPeer(identity: ids.identities[1],
                                                            address: PeerAddress(ip: [127, 0, 0, 1], port: 4100))]).reachableCount == 1)
    }

    @Test func theRuleJudgesIPv4MappedAddressesAsIPv4AndPortZero() {
        func reason(_ text: String, _ port: UInt16 = 7474, loopback: Bool = false) -> UnusableAddress? {
            UnusableAddress.reason(ip: Self.ip(text), port: port, listenerIsLoopback: loopback)
        }
        #expect(reason("198.18.0.7") == nil && reason("2001:db8::1") == nil && reason("10.0.0.0") == nil)
        #expect(reason("198.18.0.7", 0) == .port0)
        #expect(reason("::ffff:0.0.0.0") == .unspecified && reason("0.0.0.1") == .unspecified)
        #expect(reason("::ffff:239.1.2.3") == .multicast && reason("ff05::2") == .multicast)
        #expect(reason("127.8.9.10") == .loopback && reason("127.8.9.10", loopback: true) == nil)
        #expect(reason("::ffff:127.0.0.1", loopback: true) == nil && reason("::ffff:127.0.0.1") == .loopback)
        #expect(reason("255.255.255.255", loopback: true) == .broadcast)
        #expect(reason("::2") == nil, "an IPv4-compatible address is an ordinary IPv6 address")
    }
}
