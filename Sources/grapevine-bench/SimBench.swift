import Foundation
import GossipEngine
import GossipSimulator
import GrapevineCore

/// `make bench-sim`: time until every node holds a new entry, and the busiest node's bandwidth,
/// on the deterministic simulator running the real engine and merge cores, beside the Serf
/// convergence model. Seeds run on every core at once; each seed's run is deterministic.
enum SimBench {
    /// Seeds per row up to N=1000; the N=3000 rows run `largeSeeds`.
    static let seeds = 30
    static let largeSeeds = 5
    static let configurations: [(n: Int, loss: Double, seeds: Int)] = [
        (100, 0, seeds), (100, 0.5, seeds), (1000, 0, seeds), (1000, 0.5, seeds), (3000, 0, largeSeeds), (3000, 0.3, largeSeeds),
    ]
    /// Virtual time before the write, so the nodes' timers are spread out and probing is under way.
    static let warmUpMillis: UInt64 = 1500
    /// A run in which the entry never reaches every node counts as this long, and is reported.
    static let limitMillis: UInt64 = 60_000
    static let latencyMillis: UInt64 = 20
    static let jitterMillis: UInt64 = 10
    /// The Serf simulator's bandwidth formula with 1200-byte packets.
    static let bandwidthTargetKbps = 281.0

    /// One seeded run's results.
    struct Run: Sendable {
        var seconds: Double
        var converged: Bool
        /// The busiest node's peak 1-s window, in bytes received and sent.
        var peakIn: Int
        var peakOut: Int
    }

    static func run() throws -> BenchOutput {
        var out = BenchOutput(section: "sim")
        let config = GossipConfig()
        var peakKbps = 0.0
        var identities: [Int: SimIdentities] = [:]
        // Freed simulators stay in the allocator's heap and the peak cannot be reset, so growth
        // is the process's peak above the section's start: an upper bound per node, close for
        // the largest row.
        let baseline = BenchSystem.peakResidentMB()
        for (n, loss, seeds) in configurations {
            let ids = try identities[n] ?? SimIdentities(count: n)
            identities[n] = ids
            let started = Date()
            let runs = try runSeeds(ids: ids, loss: loss, seeds: seeds, config: config)
            let wall = Date().timeIntervalSince(started)
            let concurrent = min(seeds, ProcessInfo.processInfo.activeProcessorCount)
            let perNode = max(0, BenchSystem.peakResidentMB() - baseline) / Double(concurrent * n)
            let times = Percentiles(runs.map(\.seconds))
            let model = modelSeconds(n: n, loss: loss, config: config)
            let missed = runs.filter { !$0.converged }.count
            let busiest = runs.max { max($0.peakIn, $0.peakOut) < max($1.peakIn, $1.peakOut) }
            let kbpsIn = Double(busiest?.peakIn ?? 0) * 8 / 1000
            let kbpsOut = Double(busiest?.peakOut ?? 0) * 8 / 1000
            let key = "sim.n\(n).loss\(Int(loss * 100))"
            let label = "N=\(n), loss \(Int(loss * 100))%"
            out.record("\(key).p50_s", times.at(50))
            if n == 1000 {
                out.record("\(key).p95_s", times.at(95))
                out.record("\(key).max_s", times.sorted.last ?? 0)
                out.record("\(key).model_s", model)
                peakKbps = max(peakKbps, kbpsIn, kbpsOut)
            }
            if n >= 3000 {
                out.record("\(key).p95_s", times.at(95))
                out.record("\(key).model_s", model)
                out.record("\(key).peak_kbps", max(kbpsIn, kbpsOut))
                out.record("\(key).mb_per_node", perNode)
                out.row("\(label): memory per simulated node (peak RSS so far above the section's start / \(concurrent) runs at once / N)",
                        "\(format(perNode * 1024, 1)) KB")
            }
            out.row("\(label): time to 100% p50 / p95 / max",
                    "\(format(times.at(50), 2)) / \(format(times.at(95), 2)) / \(format(times.sorted.last ?? 0, 2)) s",
                    target: "p50 ≤ model \(format(model, 1)) s (\(modelRounds(n: n, loss: loss, config: config)) rounds)")
            if missed > 0 {
                out.row("\(label): runs not at 100% after \(limitMillis / 1000) s (counted as \(limitMillis / 1000) s)", "\(missed) of \(seeds)")
            }
            out.row("\(label): busiest node, peak 1-s window, in / out",
                    "\(format(kbpsIn, 1)) / \(format(kbpsOut, 1)) kbit/s", target: "≤ \(format(bandwidthTargetKbps, 0)) kbit/s")
            out.notes.append("\(label): \(seeds) seeds in \(format(wall, 1)) s of wall time.")
        }
        out.record("sim.n1000.peak_kbps", peakKbps)
        out.row("N=1000: busiest node, peak 1-s window (max of in, out, over both losses)",
                "\(format(peakKbps, 1)) kbit/s", target: "≤ \(format(bandwidthTargetKbps, 0)) kbit/s")
        out.notes.append("30 seeds per row at N ≤ 1000, 5 at N = 3000; link latency \(latencyMillis) ± \(jitterMillis) ms, loss on every datagram independently; λ = \(config.retransmitMultiplier) (each update sent λ·⌈log10(n+1)⌉ times), fanout \(config.fanout), gossip interval \(config.gossipIntervalMillis) ms, probe interval \(config.probeIntervalMillis) ms, reconciliation interval \(config.reconciliationIntervalMillis) ms, payload budget \(config.payloadBudget) B.")
        out.notes.append("Warm start: every node starts with full membership (every other node verified) and every node's endpoint entry, as after joining; then \(warmUpMillis) ms of virtual time run before one node writes one entry. Time to 100% runs from that write's commit to the last node's merge of it. Bandwidth is counted from the write until 1 s after the last merge, as payload bytes (the sealed-datagram overhead of 73 B per datagram not included).")
        out.notes.append("Serf model: fraction after r rounds = 1/(1+(N+1)·e^(−0.5·fanout·(1−loss)·r)); model time = the first whole round where it reaches 99.99% (every node, for N ≤ 1000), times the gossip interval.")
        return out
    }

    /// Runs every seed of one configuration, as many at once as there are cores.
    static func runSeeds(ids: SimIdentities, loss: Double, seeds: Int, config: GossipConfig) throws -> [Run] {
        try SimSeeds.run(count: seeds) { seed in try once(ids: ids, seed: seed, loss: loss, config: config) }
    }

    /// One seeded run: warm up, write one entry at node 0, run until every node holds it.
    static func once(ids: SimIdentities, seed: UInt64, loss: Double, config: GossipConfig) throws -> Run {
        let started = Date()
        let link = LinkModel(loss: loss, latencyMillis: latencyMillis, jitterMillis: jitterMillis)
        let sim = Simulator(ids: ids, seed: seed, config: config, link: link, bootstrap: .fullMesh)
        sim.run(for: warmUpMillis)
        sim.statsStart = sim.now
        let entry = try sim.write(at: 0, value: "bench \(seed)")
        let written = sim.now
        sim.track(entry.id)
        while sim.fullAt[entry.id] == nil, sim.now - written < limitMillis { sim.run(for: 10) }
        let full = sim.fullAt[entry.id]
        let end = full ?? sim.now
        FileHandle.standardError.write(Data("sim: N=\(ids.count) loss \(loss) seed \(seed): \(full.map { "\(format(Double($0 - written) / 1000, 2)) s" } ?? "not at 100%"), \(format(Date().timeIntervalSince(started), 1)) s of wall time\n".utf8))
        if full == nil {
            print("sim: N=\(ids.count) loss \(loss) seed \(seed): \(sim.holders[entry.id] ?? 0) of \(ids.count) nodes hold the entry after \(limitMillis / 1000) s")
        }
        sim.run(for: 1000)
        var peakIn = 0
        var peakOut = 0
        for i in 0..<sim.count {
            let peak = sim.peakWindow(i)
            if max(peak.bytesIn, peak.bytesOut) > max(peakIn, peakOut) { (peakIn, peakOut) = peak }
        }
        return Run(seconds: Double(end - written) / 1000, converged: full != nil,
                   peakIn: peakIn, peakOut: peakOut)
    }

    /// The first whole round at which the Serf model reaches 99.99%.
    static func modelRounds(n: Int, loss: Double, config: GossipConfig) -> Int {
        let rate = 0.5 * Double(config.fanout) * (1 - loss)
        var r = 0
        while 1 / (1 + Double(n + 1) * exp(-rate * Double(r))) < 0.9999 { r += 1 }
        return r
    }

    static func modelSeconds(n: Int, loss: Double, config: GossipConfig) -> Double {
        Double(modelRounds(n: n, loss: loss, config: config)) * Double(config.gossipIntervalMillis) / 1000
    }
}

/// Seeds 1…count of one configuration, run as many at once as there are cores.
enum SimSeeds {
    static func run<Value: Sendable>(count: Int, _ body: @escaping @Sendable (UInt64) throws -> Value) throws -> [Value] {
        let results = SeedResults<Value>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            results.set(index, Result { try body(UInt64(index + 1)) })
        }
        return try results.collect()
    }
}

/// The results of seeds run on several threads, each written once under a lock.
private final class SeedResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Value, Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Value, Error>) {
        lock.lock()
        defer { lock.unlock() }
        results[index] = result
    }

    func collect() throws -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return try results.map { result in
            guard let result else { throw BenchError("a seed produced no result") }
            return try result.get()
        }
    }
}
