import Foundation
import GossipEngine
import GrapevineCore
import GrapevineStore
import Logging
@testable import Node
import SealedDatagrams
import Sodium
import Testing

/// The node's driver driven by hand, as the engine's instance tests drive the engine: no
/// socket, no sleep, and time only from a clock the test moves. Peers are keys with their own
/// sealer and opener; what the driver returns is what it would have sent.
@Suite struct NodeDriverTests {
    static let t0: UInt64 = 1_764_000_000_000

    @Test func joiningPingsTheInvitersEndpointAndItsAckFromThereMakesItAVerifiedMember() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        var a = try HandPeer(2)
        let out = await node.driver.join([try #require(Invite(entry: a.endpoint))])
        let ping = try #require(a.read(out).first { $0.ping != nil })
        #expect(ping.entries.contains(node.endpoint.encoded), "the joiner introduces its own endpoint")
        #expect(await node.driver.report(of: a.identity) == .unreachable, "not verified before it answers")

        try await node.receive(a.ack(ping), from: &a)
        #expect(await node.driver.report(of: a.identity) == .alive)
        #expect(KnownPeer.load(home: node.home) == [KnownPeer(identity: a.identity, address: a.address)],
                "a verified member is saved for the next start")
    }

    @Test func aPeersSharedKeyIsDerivedOnceForThePingSealedToItAndTheAckOpenedFromIt() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        var a = try HandPeer(2)
        try await node.verify(&a)
        #expect(await node.driver.opener.keys.derivations == 1, "one derivation, not one per direction")
    }

    @Test func announcementsKeepTheirScheduleWhenTheWallClockStepsBack() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        await node.driver.startDiscovery(groups: "", interfaces: ["lo"], intervalMillis: 5_000)
        #expect(await node.driver.dueAnnouncement() != nil, "the first is due at once")
        node.clock.stepWall(back: 3_600_000)
        node.clock.advance(5_000)
        #expect(await node.driver.dueAnnouncement() != nil, "due one interval later by the monotonic reading")
        node.clock.advance(1_000)
        #expect(await node.driver.dueAnnouncement() == nil, "and not again before the next interval")
    }

    @Test func anUnansweredProbeSuspectsTheMemberAndItsAliveUpdateRefutesIt() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        var a = try HandPeer(2)
        try await node.verify(&a)

        var probe: GossipMessage?
        for _ in 0..<300 where probe == nil {
            node.clock.advance(10)
            probe = a.read(await node.driver.tick()).first { $0.ping != nil }
        }
        #expect(probe != nil, "no probe within 3 s")
        for _ in 0..<300 where await node.driver.status(of: a.identity) == .alive {
            node.clock.advance(10)
            _ = await node.driver.tick()
        }
        #expect(await node.driver.status(of: a.identity) == .suspect, "an unanswered probe suspects the member")

        var refutation = GossipMessage()
        refutation.members = [MemberUpdate(member: a.identity, status: .alive, incarnation: 1)]
        try await node.receive(refutation, from: &a)
        #expect(await node.driver.status(of: a.identity) == .alive, "the member's higher incarnation refutes it")
    }

    @Test func aSuspicionAboutTheNodeItselfIsRefutedInTheAckWithAHigherIncarnation() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        var a = try HandPeer(2)
        try await node.verify(&a)
        let incarnation = await node.driver.incarnation

        var rumour = GossipMessage()
        rumour.members = [MemberUpdate(member: node.identity, status: .suspect, incarnation: incarnation, reporter: a.identity)]
        rumour.ping = 77
        let replies = a.read(try await node.driver.receive(a.seal(rumour, to: node.identity), from: a.address))
        let ack = try #require(replies.first { $0.ack == 77 })
        #expect(ack.members.contains(MemberUpdate(member: node.identity, status: .alive, incarnation: incarnation + 1)))
    }

    /// What a peer sends is committed off the actor; the driver hands the engine the outcome on
    /// its next tick after the commit: the due entry is gossiped on, the one stamped beyond the
    /// future tolerance is held in quarantine and is not.
    @Test func anIngestCompletesAfterItsCommitAndOnlyTheDueEntryIsGossipedOn() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        let peers = try await node.verifiedPeers(2, 3)
        var a = peers[0]
        var b = peers[1]
        let due = try a.card("hello", at: Self.t0)
        let ahead = try a.card("from the future", field: "title", at: Self.t0 + 20 * 60_000)
        var carrying = GossipMessage()
        carrying.entries = [due.encoded, ahead.encoded]
        try await node.receive(carrying, from: &a)

        await node.driver.pipeline.drain()
        var toB: [GossipMessage] = b.read(await node.driver.tick())
        let counted = await node.driver.counters.entries
        #expect(counted["new"] == 1 && counted["quarantined"] == 1, "\(counted)")
        #expect(node.store.reader.encodedEntries([due.id, ahead.id]) == [due.encoded, ahead.encoded], "both are held")
        for _ in 0..<100 {
            node.clock.advance(10)
            toB += b.read(await node.driver.tick())
        }
        let forwarded = Set(toB.flatMap(\.entries))
        #expect(forwarded.contains(due.encoded), "the merged entry is disseminated")
        #expect(!forwarded.contains(ahead.encoded), "the quarantined entry is held back")
    }

    /// The shell sleeps until the earliest timer is due, however far off: an idle node is woken
    /// by its probes and checks, not every 100 ms.
    @Test func anIdleNodeSleepsUntilItsEarliestTimerHoweverFarOff() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        var a = try HandPeer(2)
        try await node.verify(&a)
        #expect(await node.tickUntilNothingIsDue(within: 100), "no stretch of 100 ms without a timer within 3 s")
        let due = await node.driver.earliestDue - node.driver.timerNow
        #expect(await node.driver.sleepMillis() == due, "the sleep lasts until the earliest timer, not a fixed step")
    }

    /// A datagram that makes a timer due before the sleep would end cuts the sleep short: here a
    /// member's report that another is suspect, which starts a suspicion timer and brings the
    /// status check forward.
    @Test(.timeLimit(.minutes(1))) func aDatagramThatBringsATimerForwardEndsTheTickLoopsSleep() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        let peers = try await node.verifiedPeers(2, 3)
        let a = peers[0]
        var b = peers[1]
        #expect(await node.tickUntilNothingIsDue(within: NodeOptions().statusPromptMillis),
                "no stretch of the status prompt without a timer within 3 s")
        // A ring left over from the commits above would end any sleep: take it first.
        await node.driver.tickAlarm.sleep(millis: 1)
        _ = await node.driver.sleepMillis()

        var rumour = GossipMessage()
        rumour.members = [MemberUpdate(member: a.identity, status: .suspect, incarnation: 0, reporter: b.identity)]
        try await node.receive(rumour, from: &b)
        #expect(await node.driver.status(of: a.identity) == .suspect)
        #expect(await node.driver.sleepDeadline == nil, "the sleep was cut short")
        await node.driver.tickAlarm.sleep(millis: 600_000)
    }

    @Test func aWriteByAnotherProcessLeavesThroughTheOutboxOnTheNextPoll() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        var a = try HandPeer(2)
        try await node.verify(&a)
        let written = try node.store.write(.card(CardUpdate(field: "note", values: [CardItem("from the CLI")])),
                                           signingKey: node.key, physicalMillis: Self.t0 + 5)
        var toA: [GossipMessage] = []
        for _ in 0..<100 {
            node.clock.advance(10)
            toA += a.read(await node.driver.tick())
        }
        #expect(toA.contains { $0.entries.contains(written.encoded) }, "the outbox entry is gossiped to the member")
        #expect(await node.driver.counters.localEntries >= 1)
        #expect(try node.store.outbox().isEmpty, "the outbox is emptied once handed to the engine")
    }
}

extension NodeDriver {
    func status(of member: PublicIdentity) -> MemberStatus? { engine.status(of: member) }
    func report(of member: PublicIdentity) -> MemberReport? { engine.membership.first { $0.member == member }?.report }
    var incarnation: UInt64 { engine.incarnation }
}

/// A clock the test moves by hand; both readings advance together, and the wall reading alone
/// can be stepped, as an NTP correction steps it.
final class ManualClock: @unchecked Sendable {
    // @unchecked: the readings are only touched with `lock` held.
    private let lock = NSLock()
    private var wall: UInt64
    private var monotonic: UInt64 = 1_000

    init(wallMillis: UInt64) { wall = wallMillis }

    func advance(_ millis: UInt64) {
        lock.withLock {
            wall += millis
            monotonic += millis
        }
    }

    func stepWall(back millis: UInt64) {
        lock.withLock { wall -= millis }
    }

    var source: TimeSource {
        TimeSource(wallMillis: { self.lock.withLock { self.wall } },
                   monotonicNanos: { self.lock.withLock { self.monotonic * 1_000_000 } })
    }
}

/// A node's driver over a store in a temporary home, at 10.0.0.1:4100, on a manual clock.
struct DrivenNode {
    let home: GrapevineHome
    let store: Store
    let key: Ed25519.SigningKey
    let endpoint: SignedEntry
    let clock = ManualClock(wallMillis: NodeDriverTests.t0)
    let driver: NodeDriver

    var identity: PublicIdentity { PublicIdentity(key) }

    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("grapevine-driver-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        home = GrapevineHome(path: path)
        key = try #require(Ed25519.SigningKey(seed: Sodium.randomBytes(32)))
        store = try Store(home: home, physicalMillis: NodeDriverTests.t0)
        let own = NodeAddress(ip: [10, 0, 0, 1], port: 4100, origin: .interface)
        endpoint = try store.write(.endpoint(EndpointInfo(addresses: [own])), signingKey: key, physicalMillis: NodeDriverTests.t0)
        var options = NodeOptions()
        options.clock = clock.source
        let network = LocalNetwork(interfaces: [try #require(IPPrefix(ip: [10, 0, 0, 1], length: 8))])
        driver = NodeDriver(home: home, options: options, signingKey: key, store: store, endpoint: endpoint,
                            advertised: [own], network: network, listenDescription: "10.0.0.1:4100",
                            logger: Logger(label: "test"))
    }

    /// Hands the driver a sealed message from `peer` at the peer's address.
    func receive(_ message: GossipMessage, from peer: inout HandPeer) async throws {
        _ = await driver.receive(try peer.seal(message, to: identity), from: peer.address)
    }

    /// Joins through `peer` and answers the ping, so the node holds it alive at its address.
    func verify(_ peer: inout HandPeer) async throws {
        let out = await driver.join([try #require(Invite(entry: peer.endpoint))])
        let ping = try #require(peer.read(out).first { $0.ping != nil })
        try await receive(peer.ack(ping), from: &peer)
        #expect(await driver.report(of: peer.identity) == .alive)
    }

    /// Peers at 10.0.0.`hosts`, each verified in turn.
    func verifiedPeers(_ hosts: UInt8...) async throws -> [HandPeer] {
        var peers: [HandPeer] = []
        for host in hosts {
            var peer = try HandPeer(host)
            try await verify(&peer)
            peers.append(peer)
        }
        return peers
    }

    /// Lets the pipeline finish, then ticks in 10 ms steps until no timer is due within `millis`;
    /// false if that took more than 3 s.
    func tickUntilNothingIsDue(within millis: UInt64) async -> Bool {
        await driver.pipeline.drain()
        for _ in 0..<300 {
            clock.advance(10)
            _ = await driver.tick()
            if await driver.earliestDue > driver.timerNow + millis { return true }
        }
        return false
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: home.path)
    }
}

/// A peer played by the test: its key, its address, and its own sealer and opener.
struct HandPeer {
    let key: Ed25519.SigningKey
    let address: PeerAddress
    let endpoint: SignedEntry
    private var sealer: DatagramSealer
    private var opener: DatagramOpener

    var identity: PublicIdentity { PublicIdentity(key) }

    init(_ host: UInt8) throws {
        key = try #require(Ed25519.SigningKey(seed: Sodium.randomBytes(32)))
        address = PeerAddress(ip: [10, 0, 0, host], port: 4100)
        endpoint = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: address.ip, port: address.port, origin: .interface)])),
                                        stamp: HLCStamp(millis: NodeDriverTests.t0 - 60_000, counter: 0), with: key)
        sealer = DatagramSealer(signingKey: key, epoch: 1)
        opener = DatagramOpener(signingKey: key)
    }

    /// The messages among `datagrams` sent to this peer's address.
    mutating func read(_ datagrams: [OutgoingDatagram]) -> [GossipMessage] {
        datagrams.filter { $0.address == address }.compactMap { datagram in
            guard case .success(let opened) = opener.open(datagram.bytes, source: [10, 0, 0, 1], nowMillis: NodeDriverTests.t0)
            else { return nil }
            return try? GossipMessage.decode(opened.payload)
        }
    }

    mutating func seal(_ message: GossipMessage, to node: PublicIdentity) throws -> [UInt8] {
        let sealed = sealer.seal(message.encoded(), to: node)
        return try #require(sealed)
    }

    func ack(_ ping: GossipMessage) -> GossipMessage {
        var ack = GossipMessage()
        ack.ack = ping.ping
        return ack
    }

    func card(_ value: String, field: String = "note", at millis: UInt64) throws -> SignedEntry {
        try SignedEntry.sign(.card(CardUpdate(field: field, values: [CardItem(value)])),
                             stamp: HLCStamp(millis: millis, counter: 0), with: key)
    }
}
