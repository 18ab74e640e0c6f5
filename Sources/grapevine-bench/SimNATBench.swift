import Foundation
import GossipEngine
import GossipSimulator

/// `make bench-sim`'s NAT rows: 1000 nodes, 70% of them behind NATs and a fifth of those
/// symmetric (reached through relays, PROTOCOL.md §11.9), joining through three public invites
/// (not full membership); one public node writes at 60 s. Time runs until every node, symmetric
/// ones included, holds the write; the time to every node not behind a symmetric NAT is kept too,
/// against the model over those nodes. `BENCH_SEEDS=1` runs one seed, to time a run before the
/// full one (the figures then say so).
enum SimNATBench {
    static let count = 1000
    static let warmUpMillis: UInt64 = 60_000
    static let limitMillis: UInt64 = 60_000

    struct Run: Sendable {
        /// Until every node holds the write.
        var seconds: Double
        /// Until every node not behind a symmetric NAT holds it.
        var conedSeconds: Double
        var converged: Bool
        /// Ordered pairs with a verified path of any kind, and with one not through a relay.
        var verified: Double
        var direct: Double
    }

    static func run() throws -> BenchOutput {
        var out = BenchOutput(section: "sim-nat")
        let config = GossipConfig()
        let seeds = ProcessInfo.processInfo.environment["BENCH_SEEDS"].flatMap(Int.init) ?? SimBench.seeds
        let loadAtStart = BenchSystem.loadAverages()
        let nat = SimNAT.mix(count: count, publicFirst: 3, natShare: 0.7, symmetricShare: 0.2, seed: 17)
        let ids = try SimIdentities(count: count, nat: nat)
        let coned = (0..<count).filter { nat[$0] != .symmetric }
        let started = Date()
        let runs = try SimSeeds.run(count: seeds) { seed in try once(ids: ids, coned: coned, seed: seed, config: config) }
        let times = Percentiles(runs.map(\.seconds))
        let conedTimes = Percentiles(runs.map(\.conedSeconds))
        let model = SimBench.modelSeconds(n: count, loss: 0, config: config)
        let conedModel = SimBench.modelSeconds(n: coned.count, loss: 0, config: config)
        let verified = runs.map(\.verified).reduce(0, +) / Double(max(1, runs.count))
        let direct = runs.map(\.direct).reduce(0, +) / Double(max(1, runs.count))
        out.record("sim.nat.n1000.p50_s", times.at(50))
        out.record("sim.nat.n1000.p95_s", times.at(95))
        out.record("sim.nat.n1000.model_s", model)
        out.record("sim.nat.n1000.coned_p95_s", conedTimes.at(95))
        out.record("sim.nat.n1000.coned_model_s", conedModel)
        out.record("sim.nat.n1000.direct_fraction", direct)
        out.record("sim.nat.n1000.verified_fraction", verified)
        out.row("N=1000, 70% behind NAT (a fifth symmetric): time to every node p50 / p95",
                "\(format(times.at(50), 2)) / \(format(times.at(95), 2)) s", target: "p95 ≤ 2 × model \(format(2 * model, 1)) s")
        out.row("N=1000 behind NAT: time to every non-symmetric node p50 / p95",
                "\(format(conedTimes.at(50), 2)) / \(format(conedTimes.at(95), 2)) s",
                target: "p95 ≤ 2 × model \(format(2 * conedModel, 1)) s")
        out.row("N=1000 behind NAT: ordered pairs with a verified path (direct, punched or relayed)", "\(format(verified * 100, 1))%")
        out.row("N=1000 behind NAT: ordered pairs with a direct path (the node's own address or a punched one, no relay)",
                "\(format(direct * 100, 1))%")
        let missed = runs.filter { !$0.converged }.count
        if missed > 0 { out.row("N=1000 behind NAT: runs not at every node after \(limitMillis / 1000) s", "\(missed) of \(seeds)") }
        out.notes.append("NAT rows: \(nat.filter { $0 != .none }.count) of \(count) nodes behind NATs (\(nat.filter { $0 == .symmetric }.count) symmetric), mappings kept 120 s, joining through three public invites; the write at \(warmUpMillis / 1000) s; \(seeds) seeds in \(format(Date().timeIntervalSince(started), 1)) s of wall time, \(min(seeds, ProcessInfo.processInfo.activeProcessorCount)) at once; load averages \(loadAtStart) (1, 5, 15 min) at the start.")
        return out
    }

    static func once(ids: SimIdentities, coned: [Int], seed: UInt64, config: GossipConfig) throws -> Run {
        let started = Date()
        let link = LinkModel(latencyMillis: SimBench.latencyMillis, jitterMillis: SimBench.jitterMillis)
        let sim = Simulator(ids: ids, seed: seed, config: config, link: link, bootstrap: .introducers([0, 1, 2]))
        sim.run(for: warmUpMillis)
        let entry = try sim.write(at: 0, value: "nat bench \(seed)")
        sim.track(entry.id)
        let writtenAt = sim.now
        var conedAt: UInt64?
        let taken = sim.run(atMost: limitMillis, stepMillis: 10) {
            if conedAt == nil, coned.allSatisfy({ sim.stores[$0].core.isHeld(entry.id) }) { conedAt = sim.now - writtenAt }
            return sim.fullAt[entry.id] != nil
        }
        FileHandle.standardError.write(Data("sim-nat: seed \(seed): \(taken.map { "\(format(Double($0) / 1000, 2)) s" } ?? "not at every node"), \(format(Date().timeIntervalSince(started), 1)) s of wall time\n".utf8))
        return Run(seconds: Double(taken ?? limitMillis) / 1000, conedSeconds: Double(conedAt ?? limitMillis) / 1000,
                   converged: taken != nil, verified: sim.verifiedFraction(among: Array(0..<ids.count)),
                   direct: sim.directFraction(among: Array(0..<ids.count)))
    }
}
