import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// Relays driven by hand through `GossipInstance` (PROTOCOL.md §11.9): the relay role, home
/// relays of a symmetric node, circuits and relay paths, failure detection through relays and the
/// upgrade to a direct path. Public nodes sit in 198.18.0.0/16, homes on LANs in 198.19.0.0/16.
@Suite struct RelayInstanceTests {
    static let ids: SimIdentities? = try? SimIdentities(count: 5)
    let t0: UInt64 = 1_764_000_000_000
    let store = SimStore()
    static let lans = IPPrefix(ip: [198, 19, 0, 0], length: 16).map { [$0] } ?? []

    let relayIP: [UInt8] = [198, 18, 0, 1]
    let relay2IP: [UInt8] = [198, 18, 1, 2]
    let homeIP: [UInt8] = [198, 19, 1, 3]
    /// Where the relays see the symmetric home: another port toward each.
    let homeAtRelay = PeerAddress(ip: [198, 18, 0, 23], port: 40_001)
    let homeAtRelay2 = PeerAddress(ip: [198, 18, 0, 23], port: 40_002)
    let peerAddress = PeerAddress(ip: [198, 18, 2, 9], port: 7474)

    func address(_ ip: [UInt8], _ port: UInt16 = 7474) -> PeerAddress { PeerAddress(ip: ip, port: port) }

    func network(_ ip: [UInt8]) -> LocalNetwork {
        LocalNetwork(interfaces: IPPrefix(ip: ip, length: 24).map { [$0] } ?? [], extraPrivate: Self.lans)
    }

    func endpoint(_ ids: SimIdentities, _ i: Int, _ addresses: [NodeAddress], millis: UInt64 = 0) throws -> SignedEntry {
        try SignedEntry.sign(.endpoint(EndpointInfo(addresses: addresses)),
                             stamp: HLCStamp(millis: t0 - 10_000 + millis, counter: 0), with: ids.keys[i])
    }

    func publicEndpoint(_ ids: SimIdentities, _ i: Int, _ ip: [UInt8]) throws -> SignedEntry {
        try endpoint(ids, i, [NodeAddress(ip: ip, port: 7474, origin: .interface)])
    }

    func node(_ ids: SimIdentities, _ i: Int, ip: [UInt8], peers: [KnownPeer] = [],
              config: GossipConfig = GossipConfig()) throws -> GossipInstance<SeededRandom> {
        GossipInstance(identity: ids.identities[i], config: config, random: SeededRandom(seed: UInt64(i + 1)), now: t0,
                       incarnation: 5, endpoint: try publicEndpoint(ids, i, ip), knownPeers: peers, network: network(ip))
    }

    func sends(_ directives: [GossipDirective]) -> [(message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)] {
        sentMessages(directives)
    }

    func datagram(_ message: GossipMessage, from source: PeerAddress, _ sender: PublicIdentity) -> GossipEvent {
        datagramEvent(message, from: source, sender)
    }

    func control(_ control: RelayControl) -> GossipMessage {
        var message = GossipMessage()
        message.relay = control
        return message
    }

    func ack(_ sequence: UInt64?, observed: PeerAddress? = nil) -> GossipMessage {
        var message = GossipMessage()
        message.ack = sequence
        message.observed = observed
        return message
    }

    /// Node 0 at `relayIP`, verified by nodes 1 and 2 (at `homeAtRelay` and `peerAddress`), both of
    /// which see its own address, and pinged once unasked: public and confirmed, so it relays.
    func relay(_ ids: SimIdentities, config: GossipConfig = GossipConfig()) throws -> GossipInstance<SeededRandom> {
        var r = try node(ids, 0, ip: relayIP, peers: [KnownPeer(identity: ids.identities[1], address: homeAtRelay),
                                                      KnownPeer(identity: ids.identities[2], address: peerAddress)],
                         config: config)
        _ = r.handle(datagram(ack(1, observed: address(relayIP)), from: homeAtRelay, ids.identities[1]), now: t0, store: store)
        _ = r.handle(datagram(ack(2, observed: address(relayIP)), from: peerAddress, ids.identities[2]), now: t0 + 1, store: store)
        var ping = GossipMessage()
        ping.ping = 77
        _ = r.handle(datagram(ping, from: address([198, 18, 3, 3]), ids.identities[3]), now: t0 + 2, store: store)
        return r
    }

    @Test func aPublicConfirmedNodeHoldsReservationsOpensCircuitsToldToBothEndsAndForwardsOnlyAnEndsFrames() throws {
        let ids = try #require(Self.ids)
        var r = try relay(ids)
        #expect(r.isRelaying)
        let reserved = sends(r.handle(datagram(control(RelayControl(op: .reserve)), from: homeAtRelay, ids.identities[1]),
                                      now: t0 + 10, store: store))
        let answer = try #require(reserved.first)
        #expect(answer.to == homeAtRelay && answer.message.relay?.status == .accepted)
        #expect(answer.message.relay?.lifetimeMillis == 600_000 && answer.message.members.isEmpty)

        let opened = sends(r.handle(datagram(control(RelayControl(op: .connect, peer: ids.identities[1])), from: peerAddress,
                                             ids.identities[2]), now: t0 + 20, store: store))
        let toRequester = try #require(opened.first { $0.recipient == ids.identities[2] }?.message.relay)
        let toTarget = try #require(opened.first { $0.recipient == ids.identities[1] })
        #expect(toRequester.status == .accepted && toRequester.peer == ids.identities[1] && toRequester.circuit != 0)
        #expect(toTarget.to == homeAtRelay && toTarget.message.relay?.peer == ids.identities[2])
        #expect(toTarget.message.relay?.circuit == toRequester.circuit)

        let frame: [UInt8] = [0xA2, 2] + [UInt8](repeating: 0, count: 8) + [0x92] + ids.identities[2].bytes + [UInt8](repeating: 7, count: 60)
        let forwarded = r.handle(.relayFrame(forwarded: frame, circuit: toRequester.circuit, innerSender: ids.identities[2].bytes,
                                             from: peerAddress), now: t0 + 30, store: store)
        #expect(forwarded.contains(.forward(frame, to: homeAtRelay)))
        let wrongSource = r.handle(.relayFrame(forwarded: frame, circuit: toRequester.circuit, innerSender: ids.identities[2].bytes,
                                               from: address([198, 18, 3, 3])), now: t0 + 40, store: store)
        #expect(!wrongSource.contains { if case .forward = $0 { true } else { false } })
        #expect(r.relayStatus.drops == ["wrong-source": 1])
        #expect(r.relayStatus.circuits == 1 && r.relayStatus.reservations == 1)
        #expect(r.relayStatus.bytesForwarded == UInt64(frame.count))
    }

    @Test func aNodeWithRelayingOffAnswersNotRelayingAndDropsFramesCounted() throws {
        let ids = try #require(Self.ids)
        var config = GossipConfig()
        config.relayEnabled = false
        var r = try relay(ids, config: config)
        #expect(!r.isRelaying)
        let answer = sends(r.handle(datagram(control(RelayControl(op: .reserve)), from: homeAtRelay, ids.identities[1]),
                                    now: t0 + 10, store: store))
        #expect(answer.first?.message.relay?.status == .notRelaying)
        _ = r.handle(.relayFrame(forwarded: [0xA2, 2], circuit: 9, innerSender: [], from: peerAddress), now: t0 + 20, store: store)
        #expect(r.relayStatus.drops == ["not-relaying": 1])
        let stranger = sends(r.handle(datagram(control(RelayControl(op: .reserve)), from: address([198, 18, 3, 3]),
                                               ids.identities[3]), now: t0 + 30, store: store))
        #expect(stranger.allSatisfy { $0.message.relay == nil }, "control frames are acted on only from a verified address")
    }

    /// Node 1, a home behind a symmetric NAT: relays 0 and 2 verified at their public addresses,
    /// each seeing it at another port.
    func symmetricHome(_ ids: SimIdentities) throws -> GossipInstance<SeededRandom> {
        var h = try node(ids, 1, ip: homeIP, peers: [KnownPeer(identity: ids.identities[0], address: address(relayIP)),
                                                     KnownPeer(identity: ids.identities[2], address: address(relay2IP))])
        _ = h.handle(.merged([try publicEndpoint(ids, 0, relayIP), try publicEndpoint(ids, 2, relay2IP)]), now: t0, store: store)
        _ = h.handle(datagram(ack(1, observed: homeAtRelay), from: address(relayIP), ids.identities[0]), now: t0 + 1, store: store)
        _ = h.handle(datagram(ack(2, observed: homeAtRelay2), from: address(relay2IP), ids.identities[2]), now: t0 + 2, store: store)
        return h
    }

    /// One tick at `time`, with the peers in `answer` acking every ping sent to them at their
    /// address and those in `grant` accepting every reservation asked of them.
    func tick(_ node: inout GossipInstance<SeededRandom>, at time: UInt64, answer: [PublicIdentity: PeerAddress] = [:],
              grant: Set<PublicIdentity> = []) -> [GossipDirective] {
        var out = node.handle(.tick, now: time, store: store)
        for sent in sends(out) where answer[sent.recipient] == sent.to {
            if let ping = sent.message.ping {
                out += node.handle(datagram(ack(ping), from: sent.to, sent.recipient), now: time + 1, store: store)
            }
            if sent.message.relay?.op == .reserve, grant.contains(sent.recipient) {
                let accepted = RelayControl(op: .reservation, status: .accepted, lifetimeMillis: 600_000)
                out += node.handle(datagram(control(accepted), from: sent.to, sent.recipient), now: time + 1, store: store)
            }
        }
        return out
    }

    func ticks(_ node: inout GossipInstance<SeededRandom>, from start: UInt64, seconds: Int,
               answer: [PublicIdentity: PeerAddress] = [:], grant: Set<PublicIdentity> = []) -> [GossipDirective] {
        var out: [GossipDirective] = []
        for step in 1...(seconds * 10) { out += tick(&node, at: start + UInt64(step) * 100, answer: answer, grant: grant) }
        return out
    }

    /// The relays of `symmetricHome` answering at their addresses.
    func relays(_ ids: SimIdentities) -> [PublicIdentity: PeerAddress] {
        [ids.identities[0]: address(relayIP), ids.identities[2]: address(relay2IP)]
    }

    @Test func aSymmetricNodeReservesAtTwoPublicPeersAndPublishesThemAsRelayAddresses() throws {
        let ids = try #require(Self.ids)
        var h = try symmetricHome(ids)
        #expect(h.reachability.kind == .symmetric)
        let relays = relays(ids)
        let first = ticks(&h, from: t0 + 2, seconds: 2, answer: relays, grant: Set(relays.keys))
        let asked = sends(first).filter { $0.message.relay?.op == .reserve }
        #expect(Set(asked.map(\.recipient)) == Set(relays.keys))
        #expect(asked.allSatisfy { relays[$0.recipient] == $0.to && $0.message.members.isEmpty })
        let published = first.compactMap { if case .publishRelays(let list) = $0 { list } else { nil } }.last
        #expect(Set(published?.map(\.relay) ?? []) == Set(relays.keys.map(\.text)))
        #expect(published?.allSatisfy { $0.kind == NodeAddress.relayKind && $0.origin == .relay } == true)
        #expect(Set(published?.compactMap { PeerAddress(ip: $0.ip, port: $0.port) } ?? []) == Set(relays.values))
        #expect(Set(h.relayStatus.homeRelays) == Set(relays.keys))
        let later = ticks(&h, from: t0 + 2002, seconds: 301, answer: relays, grant: Set(relays.keys))
        let renewals = sends(later).filter { $0.message.relay?.op == .reserve }
        #expect(renewals.count == 2, "each reservation is renewed once half its lifetime has passed")
        #expect(!later.contains { if case .publishRelays = $0 { true } else { false } }, "renewals change nothing to publish")
    }

    @Test func aRelayThatRefusesIsReplacedAndNotAskedAgainForTheReservationLifetime() throws {
        let ids = try #require(Self.ids)
        var h = try symmetricHome(ids)
        let relays = relays(ids)
        let first = sends(tick(&h, at: t0 + 1000, answer: relays)).filter { $0.message.relay?.op == .reserve }
        #expect(first.count == 2)
        _ = h.handle(datagram(control(RelayControl(op: .reservation, status: .full)), from: address(relayIP), ids.identities[0]),
                     now: t0 + 1010, store: store)
        let again = sends(ticks(&h, from: t0 + 1010, seconds: 30, answer: relays, grant: [ids.identities[2]]))
            .filter { $0.message.relay?.op == .reserve }
        #expect(!again.contains { $0.recipient == ids.identities[0] }, "a full relay is skipped")
        #expect(h.relayStatus.homeRelays == [ids.identities[2]])
    }

    @Test func aHomeRelayDeclaredSuspectIsReplacedAndTheRelayAddressesRepublished() throws {
        let ids = try #require(Self.ids)
        var h = try symmetricHome(ids)
        var relays = relays(ids)
        _ = ticks(&h, from: t0 + 2, seconds: 2, answer: relays, grant: Set(relays.keys))
        relays[ids.identities[0]] = nil
        let after = ticks(&h, from: t0 + 2002, seconds: 30, answer: relays, grant: Set(relays.keys))
        let published = after.compactMap { if case .publishRelays(let list) = $0 { list } else { nil } }.last
        #expect(published?.map(\.relay) == [ids.identities[2].text], "a silent relay is dropped from the endpoint")
        #expect(h.relayStatus.homeRelays == [ids.identities[2]])
    }

    /// Node 2 (a peer that reaches the home only through relays) holding the home's endpoint with
    /// two relay addresses, and both relays verified at their own addresses.
    func requester(_ ids: SimIdentities) throws -> GossipInstance<SeededRandom> {
        let peerIP: [UInt8] = [198, 19, 2, 4]
        var a = try node(ids, 2, ip: peerIP, peers: [KnownPeer(identity: ids.identities[0], address: address(relayIP)),
                                                     KnownPeer(identity: ids.identities[3], address: address(relay2IP))])
        let home = try endpoint(ids, 1, [
            NodeAddress(ip: homeIP, port: 7474, origin: .interface),
            NodeAddress(kind: NodeAddress.relayKind, ip: relayIP, port: 7474, relay: ids.identities[0].text, origin: .relay),
            NodeAddress(kind: NodeAddress.relayKind, ip: relay2IP, port: 7474, relay: ids.identities[3].text, origin: .relay),
        ])
        _ = a.handle(.merged([try publicEndpoint(ids, 0, relayIP), try publicEndpoint(ids, 3, relay2IP), home]), now: t0, store: store)
        return a
    }

    /// Opens a circuit to the home at `relay` (index 0 or 3) and acks the verification ping on it.
    func openCircuit(_ a: inout GossipInstance<SeededRandom>, _ ids: SimIdentities, relay: Int, circuit: UInt64,
                     at time: UInt64, ackAfter: UInt64 = 60) -> PeerAddress {
        let relayAddress = address(relay == 0 ? relayIP : relay2IP)
        let told = RelayControl(op: .circuit, peer: ids.identities[1], status: .accepted, circuit: circuit,
                                lifetimeMillis: 600_000, rate: 4096)
        let out = sends(a.handle(datagram(control(told), from: relayAddress, ids.identities[relay]), now: time, store: store))
        let path = PeerAddress(ip: relayAddress.ip, port: relayAddress.port, circuit: circuit)
        if let ping = out.first(where: { $0.to == path && $0.message.ping != nil }) {
            _ = a.handle(datagram(ack(ping.message.ping), from: path, ids.identities[1]), now: time + ackAfter, store: store)
        }
        return path
    }

    @Test func aMemberWithRelayAddressesIsConnectedAtEachRelayAndVerifiedOnTheCircuit() throws {
        let ids = try #require(Self.ids)
        var a = try requester(ids)
        let connects = sends(ticks(&a, from: t0, seconds: 2)).filter { $0.message.relay?.op == .connect }
        #expect(Set(connects.map(\.to)) == [address(relayIP), address(relay2IP)])
        #expect(connects.allSatisfy { $0.message.relay?.peer == ids.identities[1] })
        #expect(!connects.contains { $0.to.ip == homeIP }, "the relay address's ip is a hint, never pinged as the relay")
        let path = openCircuit(&a, ids, relay: 0, circuit: 0x1234, at: t0 + 2100)
        let member = try #require(a.membership.first { $0.member == ids.identities[1] })
        #expect(member.verified == path && member.path == .relayed && member.report == .alive)
        #expect(a.circuitPeer(0x1234, relayAddress: address(relayIP)) == ids.identities[1])
        #expect(a.circuitPeer(0x1234, relayAddress: address(relay2IP)) == nil)
    }

    /// The relays of `requester` answering at their addresses.
    func requesterRelays(_ ids: SimIdentities) -> [PublicIdentity: PeerAddress] {
        [ids.identities[0]: address(relayIP), ids.identities[3]: address(relay2IP)]
    }

    @Test func probesGoOnTheRelayPathWaitTwiceItsRoundTripAndStepTwoTriesTheOtherRelayPath() throws {
        let ids = try #require(Self.ids)
        var a = try requester(ids)
        let relays = requesterRelays(ids)
        _ = ticks(&a, from: t0, seconds: 2, answer: relays)
        // The first relay path's round trip is 300 ms, so a probe on it waits 600 ms.
        let first = openCircuit(&a, ids, relay: 0, circuit: 0x11, at: t0 + 2100, ackAfter: 300)
        let second = openCircuit(&a, ids, relay: 3, circuit: 0x22, at: t0 + 2500)
        var time = t0 + 2600
        var probe: UInt64?
        while probe == nil, time < t0 + 30_000 {
            time += 10
            probe = sends(tick(&a, at: time, answer: relays)).first { $0.to == first && $0.message.ping != nil }?.message.ping
        }
        let sequence = try #require(probe)
        // No ack on the first relay path (its relay died): step 2 pings on the other one, after 600 ms.
        let sentAt = time
        var step2At: UInt64?
        while step2At == nil, time < sentAt + 1000 {
            time += 10
            if sends(tick(&a, at: time, answer: relays)).contains(where: { $0.to == second && $0.message.ping == sequence }) {
                step2At = time
            }
        }
        let waited = try #require(step2At) - sentAt
        #expect(waited >= 600 && waited < 700, "a relayed ping waits twice the path's round trip, not the 400 ms ping timeout")
        _ = a.handle(datagram(ack(sequence), from: second, ids.identities[1]), now: time + 100, store: store)
        let member = try #require(a.membership.first { $0.member == ids.identities[1] })
        #expect(member.verified == second, "the path that acked becomes the member's current path")
        #expect(member.status == .alive)
    }

    /// Both relays' circuits to the home, each verified by an ack: the first one is its path.
    func openBothCircuits(_ a: inout GossipInstance<SeededRandom>, _ ids: SimIdentities) -> (PeerAddress, PeerAddress) {
        _ = ticks(&a, from: t0, seconds: 2, answer: requesterRelays(ids))
        return (openCircuit(&a, ids, relay: 0, circuit: 0x11, at: t0 + 2100),
                openCircuit(&a, ids, relay: 3, circuit: 0x22, at: t0 + 2200))
    }

    @Test func aRelayDeclaredDeadTakesItsCircuitsAndItsMembersMoveToTheOtherPathNotSuspect() throws {
        let ids = try #require(Self.ids)
        var a = try requester(ids)
        let (first, second) = openBothCircuits(&a, ids)
        #expect(a.membership.first { $0.member == ids.identities[1] }?.verified == first)
        let dead = MemberUpdate(member: ids.identities[0], status: .dead, incarnation: 99)
        var gossip = GossipMessage()
        gossip.members = [dead]
        _ = a.handle(datagram(gossip, from: address(relay2IP), ids.identities[3]), now: t0 + 2300, store: store)
        let member = try #require(a.membership.first { $0.member == ids.identities[1] })
        #expect(member.verified == second && member.status == .alive)
        #expect(a.circuitPeer(0x11, relayAddress: address(relayIP)) == nil)
    }

    @Test func everyVerifiedRelayPathOfAMemberCountsAsVerifiedSoAnswersOnItCarryEntries() throws {
        let ids = try #require(Self.ids)
        var a = try requester(ids)
        let (first, second) = openBothCircuits(&a, ids)
        #expect(a.membership.first { $0.member == ids.identities[1] }?.verified == first)
        let card = try SignedEntry.sign(.card(CardUpdate(field: "note", values: [CardItem("hello")])),
                                        stamp: HLCStamp(millis: t0, counter: 0), with: ids.keys[2])
        _ = a.handle(.localEntry(card), now: t0 + 2300, store: store)
        var ping = GossipMessage()
        ping.ping = 5
        let answer = sends(a.handle(datagram(ping, from: second, ids.identities[1]), now: t0 + 2301, store: store))
            .first { $0.message.ack == 5 }
        #expect(answer?.to == second, "the reply goes back on the path the ping came on")
        #expect(answer?.message.entries == [card.encoded], "the other end may use its other verified relay path")
    }

    /// Node 2 reaching the home (node 1) through a circuit at relay 0, from an endpoint of the
    /// home listing `udp` and that relay.
    func relayedHome(_ ids: SimIdentities, listing udp: NodeAddress, circuit: UInt64) throws -> GossipInstance<SeededRandom> {
        var a = try node(ids, 2, ip: [198, 18, 2, 4], peers: [KnownPeer(identity: ids.identities[0], address: address(relayIP))])
        let home = try endpoint(ids, 1, [
            udp, NodeAddress(kind: NodeAddress.relayKind, ip: relayIP, port: 7474, relay: ids.identities[0].text, origin: .relay),
        ])
        _ = a.handle(.merged([try publicEndpoint(ids, 0, relayIP), home]), now: t0, store: store)
        _ = ticks(&a, from: t0, seconds: 2, answer: [ids.identities[0]: address(relayIP)])
        _ = openCircuit(&a, ids, relay: 0, circuit: circuit, at: t0 + 2100)
        #expect(a.membership.first { $0.member == ids.identities[1] }?.path == .relayed)
        return a
    }

    @Test func aRelayedMemberIsStillTriedAtItsUDPAddressesAndMovesToADirectPathThatAnswers() throws {
        let ids = try #require(Self.ids)
        let moved = address([198, 18, 5, 5])
        var a = try relayedHome(ids, listing: NodeAddress(ip: moved.ip, port: 7474, origin: .interface), circuit: 0x33)
        let relays = [ids.identities[0]: address(relayIP)]
        var time = t0 + 2200
        var tried: UInt64?
        while tried == nil, time < t0 + 20_000 {
            time += 100
            tried = sends(tick(&a, at: time, answer: relays)).first { $0.to == moved && $0.message.ping != nil }?.message.ping
        }
        _ = a.handle(datagram(ack(try #require(tried)), from: moved, ids.identities[1]), now: time + 20, store: store)
        let member = try #require(a.membership.first { $0.member == ids.identities[1] })
        #expect(member.verified == moved && member.path == .direct, "a direct path replaces the relayed one")
    }

    @Test func aRelayedMemberThatListsAnObservedAddressGetsAPunchRequestOncePerPunchInterval() throws {
        let ids = try #require(Self.ids)
        var a = try relayedHome(ids, listing: NodeAddress(ip: [198, 18, 5, 5], port: 7474, origin: .observed), circuit: 0x44)
        let relays = [ids.identities[0]: address(relayIP)]
        let requests = sends(ticks(&a, from: t0 + 2200, seconds: 25, answer: relays))
            .filter { $0.message.punchRequest?.target == ids.identities[1] }
        #expect(!requests.isEmpty, "a relayed member with an observed address is punched toward (§11.9.7)")
        #expect(requests.allSatisfy { $0.to == address(relayIP) }, "asked of a verified public member")
        #expect(requests.count <= 3, "at most one per punch interval of 10 s")
    }
}
