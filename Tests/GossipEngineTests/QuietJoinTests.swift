import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// A quiet idle pair and a fast join (issue 16): reconciliation backs off while the sets agree
/// and comes back on any change (PROTOCOL.md §12.4); a joining node's first exchange with its
/// introducer is a reconciliation session, and members the per-host limit held back are pinged
/// once their host is verified (§11.3). Everything is counted on the injected clock.
@Suite struct QuietJoinTests {
    typealias Pair = ReconcileSessionTests.Pair
    typealias HeldStore = ReconcileSessionTests.HeldStore
    static let ids: SimIdentities? = try? SimIdentities(count: 4)
    let t0 = ReconcileSessionTests.t0

    /// Openings (round-0 frames) node `i` sent in the pair's log from `start` on.
    static func openings(_ pair: Pair, by i: Int, from start: Int = 0) -> Int {
        pair.log[start...].filter { $0.from == i && $0.message.reconcile?.round == 0 }.count
    }

    @Test func sessionsThatFindTheSetsEqualOpenLessAndLessOften() throws {
        let ids = try #require(Self.ids)
        let store = HeldStore(held: [ids.endpoints[0], ids.endpoints[1]])
        var pair = Pair(ids: ids, stores: [store, store])
        pair.run(for: 60_000)
        let base = Int(60_000 / GossipConfig().reconciliationIntervalMillis)
        // Doubling from 1 s to the 16 s bound: 1 + 2 + 4 + 8 + 16 + 16 + … covers 60 s in about 7.
        for node in 0..<2 {
            let opened = Self.openings(pair, by: node)
            #expect(opened >= 4, "node \(node) stopped reconciling altogether: \(opened)")
            #expect(opened <= 9, "node \(node) opened \(opened) sessions in 60 s of agreement (\(base) without back-off)")
        }
    }

    @Test func aNewEntryBringsTheIntervalBackAtOnce() throws {
        let ids = try #require(Self.ids)
        let store = HeldStore(held: [ids.endpoints[0], ids.endpoints[1]])
        var pair = Pair(ids: ids, stores: [store, store])
        pair.run(for: 60_000)
        let mark = pair.log.count
        pair.stores[0].held.append(ids.endpoints[2])
        pair.feed(0, .localEntry(ids.endpoints[2]))
        pair.run(for: 2500)
        // Backed off, node 0 would open at most one session in these 2.5 s; back at one interval, two.
        #expect(Self.openings(pair, by: 0, from: mark) >= 2, "node 0 did not come back to one session per interval")
    }

    /// A joining node (0) whose introducer (1) and two other members (2, 3) share one host.
    struct Join {
        let ids: SimIdentities
        var node: GossipInstance<SeededRandom>
        let host: [UInt8] = [10, 9, 9, 9]
        let endpoints: [SignedEntry]
        let store = HeldStore(held: [])

        init(ids: SimIdentities, now: UInt64) throws {
            self.ids = ids
            node = GossipInstance(identity: ids.identities[0], random: SeededRandom(seed: 3), now: now, incarnation: 5,
                                  endpoint: ids.endpoints[0], network: ids.network(0))
            endpoints = try (1..<4).map { [host] i in
                try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: host, port: UInt16(4000 + i))])),
                                     stamp: HLCStamp(millis: now - 1000, counter: 0), with: ids.keys[i])
            }
        }

        func address(_ i: Int) -> PeerAddress { PeerAddress(ip: host, port: UInt16(4000 + i)) }

        static func sends(_ directives: [GossipDirective]) -> [(message: GossipMessage, to: PeerAddress)] {
            directives.compactMap {
                guard case .send(let bytes, let to, _) = $0, let message = try? GossipMessage.decode(bytes) else { return nil }
                return (message, to)
            }
        }

        /// Joins through member 1, learns members 2 and 3 before 1 answers, then hears 1's ack:
        /// what the node sends on that ack.
        mutating func answeredJoin(at now: UInt64) throws -> [(message: GossipMessage, to: PeerAddress)] {
            let joined = Self.sends(node.handle(.join(endpoints[0]), now: now, store: store))
            let ping = try #require(joined.first { $0.to == address(1) }?.message.ping)
            let early = Self.sends(node.handle(.merged([endpoints[1], endpoints[2]]), now: now + 1, store: store))
            #expect(early.filter { $0.message.ping != nil }.isEmpty, "the host limit lets one ping through per interval")
            var ack = GossipMessage()
            ack.ack = ping
            return Self.sends(node.handle(.datagram(ack.encoded(), from: address(1), sender: ids.identities[1]),
                                          now: now + 2, store: store))
        }
    }

    @Test func membersHeldBackByTheHostLimitArePingedOnceTheirHostIsVerified() throws {
        var join = try Join(ids: try #require(Self.ids), now: t0)
        let out = try join.answeredJoin(at: t0)
        let pinged = Set(out.filter { $0.message.ping != nil }.map(\.to))
        #expect(pinged == [join.address(2), join.address(3)], "held-back members wait for the next probe interval")
    }

    @Test func aJoiningNodeOpensReconciliationWithItsIntroducerOnItsFirstAnswer() throws {
        var join = try Join(ids: try #require(Self.ids), now: t0)
        let out = try join.answeredJoin(at: t0)
        let opening = out.first { $0.message.reconcile?.round == 0 }
        #expect(opening?.to == join.address(1), "the first exchange waits for the reconciliation interval")
    }
}
