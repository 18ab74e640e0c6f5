import GossipEngine
import GossipInterpreter
import GossipSimulator
import GrapevineCore
import GrapevineMerge
import Testing

/// The instance driven by hand, event by event, as swift-cluster-membership's instance tests do.
@Suite struct GossipInstanceTests {
    static let ids: SimIdentities? = try? SimIdentities(count: 5)
    let t0: UInt64 = 1_764_000_000_000
    let store = SimStore()

    func make(_ ids: SimIdentities, peers: [Int] = []) -> GossipInstance<SeededRandom> {
        GossipInstance(identity: ids.identities[0], random: SeededRandom(seed: 1), now: t0, incarnation: 5,
                       endpoint: ids.endpoints[0],
                       knownPeers: peers.map { KnownPeer(identity: ids.identities[$0], address: ids.addresses[$0]) },
                       network: ids.network(0))
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
        #expect(directives.contains(.membershipChanged(MemberSnapshot(
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

    @Test func anEndpointHeldInQuarantineIsPingedButNotForwarded() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1])
        let out = sends(node.handle(.quarantined([ids.endpoints[2]]), now: t0, store: store))
        let ping = try #require(out.first { $0.to == ids.addresses[2] && $0.message.ping != nil },
                                "a member whose clock runs ahead must still be verified, or nobody reaches it")
        #expect(ping.recipient == ids.identities[2])
        var forwarded = 0
        for step in 1...10 {
            for s in sends(node.handle(.tick, now: t0 + UInt64(step) * 100, store: store)) where s.to == ids.addresses[1] {
                if s.message.entries.contains(ids.endpoints[2].encoded) { forwarded += 1 }
            }
        }
        #expect(forwarded == 0, "a quarantined entry is not disseminated before it is due")
    }

    func claim(_ updates: [MemberUpdate], from sender: Int, into node: inout GossipInstance<SeededRandom>,
               ids: SimIdentities, at time: UInt64) {
        var message = GossipMessage()
        message.members = updates
        _ = node.handle(.datagram(message.encoded(), from: ids.addresses[sender], sender: ids.identities[sender]),
                        now: time, store: store)
    }

    func state(of member: Int, in node: GossipInstance<SeededRandom>, ids: SimIdentities) -> (MemberStatus, UInt64)? {
        node.membership.first { $0.member == ids.identities[member] }.map { ($0.status, $0.incarnation) }
    }

    @Test func aClaimAboutItselfAtTheGreatestIncarnationNeitherTrapsNorIsRefuted() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1])
        let out = sends(node.handle(.datagram({
            var message = GossipMessage()
            message.members = [MemberUpdate(member: ids.identities[0], status: .dead, incarnation: .max)]
            message.ping = 1
            return message.encoded()
        }(), from: ids.addresses[1], sender: ids.identities[1]), now: t0, store: store))
        #expect(node.incarnation == 5, "a claim far above this node's word is not outranked")
        #expect(out.contains { $0.message.members.contains(MemberUpdate(member: ids.identities[0], status: .alive, incarnation: 5)) },
                "the node repeats its own word instead, which members take over others' claims")
        claim([MemberUpdate(member: ids.identities[0], status: .suspect, incarnation: 1005, reporter: ids.identities[1])],
              from: 1, into: &node, ids: ids, at: t0 + 1)
        #expect(node.incarnation == 1006, "a claim within the step is refuted by outranking it")
    }

    @Test func anotherNodeCannotRaiseAMembersIncarnationBeyondTheStep() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1, 2])
        claim([MemberUpdate(member: ids.identities[2], status: .alive, incarnation: 7)], from: 2, into: &node, ids: ids, at: t0)
        claim([MemberUpdate(member: ids.identities[2], status: .dead, incarnation: .max)], from: 1, into: &node, ids: ids, at: t0 + 1)
        #expect(state(of: 2, in: node, ids: ids).map { $0.0 == .alive && $0.1 == 7 } == true)
        claim([MemberUpdate(member: ids.identities[2], status: .dead, incarnation: 7 + GossipConfig.maxIncarnationStep)],
              from: 1, into: &node, ids: ids, at: t0 + 2)
        #expect(state(of: 2, in: node, ids: ids)?.0 == .dead, "a claim within the step is applied as SWIM says")
    }

    @Test func aMembersOwnAliveStandsBelowAnIncarnationOthersClaimed() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1, 2])
        claim([MemberUpdate(member: ids.identities[2], status: .dead, incarnation: 900)], from: 1, into: &node, ids: ids, at: t0)
        claim([MemberUpdate(member: ids.identities[2], status: .alive, incarnation: 50)], from: 2, into: &node, ids: ids, at: t0 + 1)
        #expect(state(of: 2, in: node, ids: ids).map { $0.0 == .alive && $0.1 == 50 } == true,
                "only the member raises its incarnation: 900 was someone else's claim")
        claim([MemberUpdate(member: ids.identities[2], status: .alive, incarnation: 40)], from: 2, into: &node, ids: ids, at: t0 + 2)
        #expect(state(of: 2, in: node, ids: ids)?.1 == 50, "an older report of its own, reordered by UDP, is ignored")
        claim([MemberUpdate(member: ids.identities[2], status: .dead, incarnation: 50)], from: 1, into: &node, ids: ids, at: t0 + 3)
        claim([MemberUpdate(member: ids.identities[2], status: .alive, incarnation: 50)], from: 2, into: &node, ids: ids, at: t0 + 4)
        #expect(state(of: 2, in: node, ids: ids)?.0 == .dead, "at an equal incarnation a late alive does not revive it")
    }

    @Test func sybilEndpointsAtOneHostDrawOneVerificationPingPerProbeInterval() throws {
        let ids = try #require(Self.ids)
        var node = make(ids, peers: [1])
        let victim: [UInt8] = [192, 0, 2, 66]
        // Four identities, one victim host at four ports.
        let sybils = try (1...4).map { i in
            try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: victim, port: 4100 + UInt16(i))])),
                                 stamp: HLCStamp(millis: t0, counter: 0), with: ids.keys[i])
        }
        var pings = sends(node.handle(.merged(sybils), now: t0, store: store)).filter { $0.to.ip == victim }.count
        for step in 1...20 {
            pings += sends(node.handle(.tick, now: t0 + UInt64(step) * 100, store: store)).filter { $0.to.ip == victim }.count
        }
        #expect(pings >= 2)
        #expect(pings <= 3, "2 s may see one verification ping per second at one host, plus the first, however many claim it")

        // A host where a member is verified runs Grapevine: its other ports are not held back.
        var cluster = make(ids)
        let shared: [UInt8] = [198, 51, 100, 7]
        let local = try (1...3).map { i in
            try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: shared, port: 4100 + UInt16(i))])),
                                 stamp: HLCStamp(millis: t0, counter: 0), with: ids.keys[i])
        }
        let first = try #require(sends(cluster.handle(.merged([local[0]]), now: t0, store: store)).first { $0.message.ping != nil })
        var ack = GossipMessage()
        ack.ack = first.message.ping
        _ = cluster.handle(.datagram(ack.encoded(), from: first.to, sender: ids.identities[1]), now: t0 + 5, store: store)
        let others = sends(cluster.handle(.merged(Array(local[1...])), now: t0 + 10, store: store)).filter { $0.message.ping != nil }
        #expect(others.count == 2)
    }

    @Test func claimsAboutStrangersAreIgnoredAndAFullTableKeepsMembersThatAnswer() throws {
        let ids = try #require(try SimIdentities(count: 12))
        var config = GossipConfig()
        config.maxMembers = 4
        var node = GossipInstance(identity: ids.identities[0], config: config, random: SeededRandom(seed: 1), now: t0,
                                  incarnation: 5, endpoint: ids.endpoints[0],
                                  knownPeers: [1, 2].map { KnownPeer(identity: ids.identities[$0], address: ids.addresses[$0]) },
                                  network: ids.network(0))
        claim((6..<12).map { MemberUpdate(member: ids.identities[$0], status: .alive, incarnation: 1) }, from: 1, into: &node, ids: ids, at: t0)
        #expect(node.membership.count == 2, "made-up members stay out of the table")

        // Strangers that speak for themselves fill it, but only unverified ones make room later.
        for i in 6..<8 {
            claim([MemberUpdate(member: ids.identities[i], status: .alive, incarnation: 1)], from: i, into: &node, ids: ids, at: t0 + 1)
        }
        #expect(node.membership.count == 4)
        _ = node.handle(.merged([ids.endpoints[3]]), now: t0 + 2, store: store)
        let members = Set(node.membership.map(\.member))
        #expect(members.contains(ids.identities[3]), "a newcomer with an endpoint takes an unverified member's place")
        #expect(members.contains(ids.identities[1]) && members.contains(ids.identities[2]), "verified members are kept")
    }

    /// A store holding a few entries, for answers to requests.
    struct FixedStore: EntryStore {
        var entries: [EntryID: [UInt8]]
        var reconciliationIndex: ReconciliationIndex { ReconciliationIndex() }
        func encodedEntries(_ ids: [EntryID]) -> [[UInt8]] { ids.compactMap { entries[$0] } }
    }

    /// Carries out directives over a `FixedStore` through the interpreter and keeps the sends.
    struct SendingHost: DirectiveHost {
        let store: FixedStore
        var sent: [GossipDirective] = []

        mutating func send(_ payload: [UInt8], to address: PeerAddress, recipient: PublicIdentity) {
            sent.append(.send(payload, to: address, recipient: recipient))
        }

        func schedule(at time: UInt64) {}
        func ingest(_ entries: [[UInt8]], from sender: PublicIdentity) -> IngestCompletion? { nil }
        func membershipChanged(_ change: MemberSnapshot) {}
        func refused(_ error: GossipDecodeError, from source: PeerAddress, sender: PublicIdentity) {}
        func publishEndpoint(observed: PeerAddress?) -> SignedEntry? { nil }
        func publishEndpoint(relays: [NodeAddress]) -> SignedEntry? { nil }
        func forward(_ frame: [UInt8], to address: PeerAddress) {}
    }

    @Test func aForgedSourceAddressGetsABareAckAndNoEntries() throws {
        let ids = try #require(Self.ids)
        var node = DirectiveInterpreter(engine: make(ids, peers: [1]))
        let held = try entries(by: 2, count: 8, ids: ids, at: t0)
        let store = FixedStore(entries: Dictionary(uniqueKeysWithValues: held.map { ($0.id, $0.encoded) }))
        func handle(_ event: GossipEvent, now: UInt64) -> [GossipDirective] {
            var host = SendingHost(store: store)
            node.handle(event, now: now, host: &host)
            return host.sent
        }
        _ = handle(.merged(held), now: t0)
        var asking = GossipMessage()
        asking.ping = 9
        asking.request = held.map(\.id)
        let spoofed = PeerAddress(ip: [192, 0, 2, 66], port: 4100)
        let toVictim = sends(handle(.datagram(asking.encoded(), from: spoofed, sender: ids.identities[1]), now: t0 + 1))
        #expect(toVictim.count == 1 && toVictim[0].message.ack == 9)
        #expect(toVictim.allSatisfy { $0.message.entries.isEmpty && $0.message.members.isEmpty },
                "nothing larger than the request goes to an address the sender has not proved")
        let toMember = sends(handle(.datagram(asking.encoded(), from: ids.addresses[1], sender: ids.identities[1]), now: t0 + 2))
        #expect(Set(toMember.flatMap(\.message.entries)).count == 8, "the member at its verified address gets what it asked for")
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

    /// Entries of `author` on distinct fields, so none supersedes another.
    func entries(by author: Int, count: Int, ids: SimIdentities, at millis: UInt64) throws -> [SignedEntry] {
        try (0..<count).map { i in
            try SignedEntry.sign(.card(CardUpdate(field: "x-\(i)", values: [CardItem("value \(i)")])),
                                 stamp: HLCStamp(millis: millis, counter: UInt16(i)), with: ids.keys[author])
        }
    }

    /// The distinct entries sent after the node newly holds `merged` at `start`, ticking every
    /// 10 ms for `millis`.
    func entriesSent(_ node: inout GossipInstance<SeededRandom>, merging merged: [SignedEntry], at start: UInt64,
                     for millis: UInt64) -> Set<[UInt8]> {
        var sent = Set<[UInt8]>()
        for s in sends(node.handle(.merged(merged), now: start, store: store)) { sent.formUnion(s.message.entries) }
        for step in stride(from: start + 10, through: start + millis, by: 10) {
            for s in sends(node.handle(.tick, now: step, store: store)) { sent.formUnion(s.message.entries) }
        }
        return sent
    }

    /// A node with three verified peers that has just heard peer 1 suspect 35 other members
    /// (known from their endpoints: claims about strangers are ignored): a full update queue.
    func hearingSuspicionsOf35Members(_ ids: SimIdentities) -> GossipInstance<SeededRandom> {
        var node = make(ids, peers: [1, 2, 3])
        for i in 5..<40 { _ = node.handle(.join(ids.endpoints[i]), now: t0, store: store) }
        var storm = GossipMessage()
        storm.members = (5..<40).map { MemberUpdate(member: ids.identities[$0], status: .suspect, incarnation: 3, reporter: ids.identities[1]) }
        _ = node.handle(.datagram(storm.encoded(), from: ids.addresses[1], sender: ids.identities[1]), now: t0 + 1, store: store)
        return node
    }

    @Test func entriesStillGoOutWhileAStormOfMembershipUpdatesFillsTheQueue() throws {
        let ids = try #require(try SimIdentities(count: 40))
        var node = hearingSuspicionsOf35Members(ids)
        let entry = try entries(by: 4, count: 1, ids: ids, at: t0)[0]
        _ = node.handle(.merged([entry]), now: t0 + 2, store: store)
        var payloads = 0
        var carrying = 0
        for step in stride(from: t0 + 10, through: t0 + 400, by: 10) {
            for s in sends(node.handle(.tick, now: step, store: store)) where !s.message.members.isEmpty {
                payloads += 1
                if s.message.entries.contains(entry.encoded) { carrying += 1 }
                #expect(s.message.encoded().count <= node.config.payloadBudget)
            }
        }
        #expect(payloads >= 3)
        #expect(carrying == payloads, "35 suspicions (about 2.7 kB) must not crowd the entry out of any payload")
    }

    @Test func acksToManyPingsCarryPiggybackedUpdatesOnlyWithinTheByteBudget() throws {
        let ids = try #require(try SimIdentities(count: 40))
        var node = hearingSuspicionsOf35Members(ids)
        func pings(at now: UInt64) -> (acks: Int, carrying: Int) {
            var acks = 0
            var carrying = 0
            for i in 0..<20 {
                var ping = GossipMessage()
                ping.ping = UInt64(100 + i)
                for s in sends(node.handle(.datagram(ping.encoded(), from: ids.addresses[2], sender: ids.identities[2]),
                                           now: now, store: store)) where s.message.ack != nil || s.message.ping != nil {
                    if s.message.ack != nil { acks += 1 }
                    if !s.message.members.isEmpty { carrying += 1 }
                }
            }
            return (acks, carrying)
        }
        let burst = pings(at: t0 + 2)
        #expect(burst.acks == 20, "every ping is answered")
        #expect(burst.carrying >= 1 && burst.carrying <= 3, "2254 bytes of budget put updates in two or three payloads, not 20")
        #expect(pings(at: t0 + 2 + 2000).carrying >= 1, "the budget refills at 8000 bytes per second")
    }

    @Test func anAuthorsEntriesAreForwardedWithinItsBudgetOverTime() throws {
        let ids = try #require(Self.ids)
        var config = GossipConfig()
        config.forwardingBurstPerAuthor = 2
        config.forwardingMillisPerEntry = 10_000
        var node = GossipInstance(identity: ids.identities[0], config: config, random: SeededRandom(seed: 1), now: t0,
                                  incarnation: 5, endpoint: ids.endpoints[0],
                                  knownPeers: [2, 3, 4].map { KnownPeer(identity: ids.identities[$0], address: ids.addresses[$0]) },
                                  network: ids.network(0))
        let burst = try entries(by: 1, count: 3, ids: ids, at: t0)
        let first = entriesSent(&node, merging: burst, at: t0, for: 3000)
        #expect(first == Set(burst.prefix(2).map(\.encoded)), "a burst of 2, the third held back")
        let later = try entries(by: 1, count: 2, ids: ids, at: t0 + 5000)
        #expect(entriesSent(&node, merging: [later[0]], at: t0 + 5000, for: 2000).isEmpty, "no token 5 s after the burst")
        #expect(entriesSent(&node, merging: [later[1]], at: t0 + 10_500, for: 2000) == [later[1].encoded], "one token after 10 s")
        let own = try entries(by: 0, count: 3, ids: ids, at: t0 + 13_000)
        #expect(entriesSent(&node, merging: own, at: t0 + 13_000, for: 3000).count == 3, "its own entries are not budgeted")
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
