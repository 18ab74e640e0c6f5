import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// Networks with homes behind NATs on virtual time (PROTOCOL.md §11.7, §11.8): 70% of the nodes
/// behind NATs, a fifth of those symmetric (reached through relays, §11.9), joining through three
/// public invites.
@Suite struct NATSimulatorTests {
    static let count = 200
    static let nat = SimNAT.mix(count: count, publicFirst: 3, natShare: 0.7, symmetricShare: 0.2, seed: 17)
    static let ids: SimIdentities? = try? SimIdentities(count: count, nat: nat)

    @Test(arguments: [UInt64(1), 2, 3])
    func homesBehindNATsJoinFromThreeInvitesPunchOrRelayAndReceiveAWriteAtSixtySeconds(seed: UInt64) throws {
        let ids = try #require(Self.ids)
        let sim = Simulator(ids: ids, seed: seed, link: LinkModel(latencyMillis: 20, jitterMillis: 10),
                            bootstrap: .introducers([0, 1, 2]))
        sim.run(for: 60_000)
        let entry = try sim.write(at: 0, value: "written at 60 s")
        sim.track(entry.id)
        let taken = sim.run(atMost: 30_000) { sim.fullAt[entry.id] != nil }
        #expect(taken != nil, "seed \(seed): \(sim.holders[entry.id] ?? 0) of \(ids.count) nodes hold the write after 30 s")
        let coned = (0..<ids.count).filter { Self.nat[$0] != .symmetric }
        let verified = sim.verifiedFraction(among: coned)
        #expect(verified >= 0.95, "seed \(seed): only \(verified) of the ordered pairs of non-symmetric nodes have a verified path")
        let home = try #require(coned.first { Self.nat[$0] == .endpointIndependent })
        #expect(sim.instance(home)?.reachability.kind == .endpointIndependent, "seed \(seed)")
        let confirmed = (0..<ids.count).filter { sim.instance($0)?.reachability.confirmed == true }
        let behindNAT = confirmed.filter { Self.nat[$0] != .none }
        #expect(behindNAT.isEmpty, "seed \(seed): nodes behind NATs confirmed reachable: \(behindNAT)")
        let publics = (0..<ids.count).filter { Self.nat[$0] == .none }
        #expect(confirmed.count == publics.count, "seed \(seed): \(confirmed.count) of \(publics.count) public nodes confirmed")
        // Every pair, symmetric nodes included: each member reaches a symmetric node through a
        // circuit at one of its two relays, which hold up to 1024 circuits of one member
        // (PROTOCOL.md §11.9.3); with 64, about 8% of the pairs went without a path.
        let all = sim.verifiedFraction(among: Array(0..<ids.count))
        #expect(all >= 0.99, "seed \(seed): only \(all) of the ordered pairs of all nodes, symmetric ones included, have a verified path")
        let symmetric = (0..<ids.count).filter { Self.nat[$0] == .symmetric }
        let relayed = symmetric.filter { sim.instance($0)?.relayStatus.homeRelays.count == 2 }
        #expect(relayed.count == symmetric.count, "seed \(seed): \(relayed.count) of \(symmetric.count) symmetric nodes hold two home relays")
    }
}
