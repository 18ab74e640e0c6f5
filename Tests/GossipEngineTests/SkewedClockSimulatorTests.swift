import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// A node whose clock runs ahead (PROTOCOL.md §9.5) in the simulator, which carries out the
/// engine's directives through the node's own interpreter.
@Suite struct SkewedClockSimulatorTests {
    static let ids: SimIdentities? = try? SimIdentities(count: 12)

    /// The writer reaches only node 1, and retransmits often enough to reach it. Node 1 holds the entry, stamped 20 minutes ahead of its
    /// clock, in quarantine and gossips none of it on, as the node does; reconciliation, which
    /// serves quarantined entries too, is held off so only gossip could spread it.
    @Test func anEntryStampedBeyondTheFutureToleranceIsHeldInQuarantineAndNotGossipedOn() throws {
        let ids = try #require(Self.ids)
        let seed: UInt64 = 9_5
        var config = GossipConfig()
        config.reconciliationIntervalMillis = 600_000
        config.retransmitMultiplier = 16
        let sim = Simulator(ids: ids, seed: seed, config: config)
        sim.run(for: 1500)
        sim.setClockOffset(of: 0, millis: 20 * 60_000)
        for j in 2..<sim.count { sim.setLoss(from: 0, to: j, 1) }
        let entry = try sim.write(at: 0, value: "from the future")
        #expect(sim.stores[0].core.isRetained(entry.id), "by its own clock the writer's entry is due (seed \(seed))")
        let received = sim.run(atMost: 20_000) { sim.stores[1].core.isHeld(entry.id) }
        #expect(received != nil, "the writer's gossip never reached node 1 (seed \(seed))")
        #expect(sim.stores[1].core.isQuarantined(entry.id), "the node the writer reaches holds it in quarantine (seed \(seed))")
        // Node 1 gossips every 200 ms to 3 of 11: 5 s would carry anything it forwards to most of them.
        sim.run(for: 5000)
        let reached = (2..<sim.count).filter { sim.stores[$0].core.isHeld(entry.id) }
        #expect(reached.isEmpty, "nodes \(reached) were forwarded an entry held in quarantine (seed \(seed))")
    }
}
