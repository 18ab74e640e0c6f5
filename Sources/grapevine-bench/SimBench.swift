import Foundation
import GossipEngine
import GossipSimulator
import GrapevineCore

/// `make bench-sim`: time until every node holds a new entry, and the busiest node's bandwidth,
/// on the deterministic simulator, beside the Serf convergence model.
enum SimBench {
    static let seeds = 30
    static let sizes = [100, 1000]
    static let losses = [0.0, 0.5]

    static func diag() throws {
        let env = ProcessInfo.processInfo.environment["SIMDIAG"] ?? "100,0"
        let parts = env.split(separator: ",").map { Double($0)! }
        let n = Int(parts[0]); let loss = parts[1]
        let ids = try SimIdentities(count: n)
        for seed in 1...Int(parts.count > 2 ? parts[2] : 1) {
        let t0 = Date()
        let sim = Simulator(ids: ids, seed: UInt64(seed), link: LinkModel(loss: loss, latencyMillis: 20, jitterMillis: 10))
        sim.recordMembership = true
        let t1 = Date()
        sim.run(for: 1500)
        let d0 = sim.datagramsSent
        let t2 = Date()
        let entry = try sim.write(at: 0, value: "x")
        sim.track(entry.id)
        let w = sim.now
        var marks: [String] = []
        var next = 0
        let fr = [0.5, 0.9, 0.99, 0.999]
        while sim.fullAt[entry.id] == nil, sim.now - w < 60_000 { sim.run(for: 10)
            while next < fr.count, Double(sim.holders[entry.id] ?? 0) >= fr[next] * Double(n) { marks.append("\(fr[next])@\(sim.now - w)"); next += 1 }
        }
        print(marks)
        var counts: [MemberStatus: Int] = [:]
        for e in sim.membershipLog { counts[e.change.status, default: 0] += 1 }
        print("N=\(n) loss=\(loss) seed \(seed) init \(t1.timeIntervalSince(t0)) warm \(t2.timeIntervalSince(t1)) run \(Date().timeIntervalSince(t2)) full \(sim.fullAt[entry.id].map { $0 - w } ?? 0) holders \(sim.holders[entry.id] ?? 0) dgrams warm \(d0) total \(sim.datagramsSent) changes \(counts)")
        }
    }

    static func run() throws -> BenchOutput {
        if ProcessInfo.processInfo.environment["SIMDIAG"] != nil { try diag(); exit(0) }
        var out = BenchOutput(section: "sim")
        let config = GossipConfig()
        var peakKbps = 0.0
        for n in sizes {
            let ids = try SimIdentities(count: n)
            for loss in losses {
                var times: [Double] = []
                for seed in 1...seeds {
                    let (time, kbps) = try once(ids: ids, seed: UInt64(seed), loss: loss, config: config)
                    times.append(time)
                    if n == 1000 { peakKbps = max(peakKbps, kbps) }
                }
                let p = Percentiles(times)
                let model = modelSeconds(n: n, loss: loss, config: config)
                let key = "sim.n\(n).loss\(Int(loss * 100))"
                out.record("\(key).p50_s", p.at(50))
                if n == 1000 {
                    out.record("\(key).p95_s", p.at(95))
                    out.record("\(key).model_s", model)
                }
                out.row("N=\(n), loss \(Int(loss * 100))%: time to 100% p50 / p95",
                        "\(format(p.at(50), 2)) s / \(format(p.at(95), 2)) s", target: "p50 ≤ model \(format(model, 1)) s")
            }
        }
        out.record("sim.n1000.peak_kbps", peakKbps)
        out.row("N=1000: busiest node, peak 1-s window (max of in, out)", "\(format(peakKbps, 1)) kbit/s", target: "≤ 281 kbit/s")
        out.notes.append("\(seeds) seeds per row; link latency 20 ± 10 ms; λ = \(config.retransmitMultiplier) (each update sent λ·⌈log10(n+1)⌉ times), fanout \(config.fanout), gossip interval \(config.gossipIntervalMillis) ms, probe interval \(config.probeIntervalMillis) ms, reconciliation interval \(config.reconciliationIntervalMillis) ms, payload budget \(config.payloadBudget) B.")
        out.notes.append("Serf model: fraction after r rounds = 1/(1+(N+1)·e^(−0.5·fanout·(1−loss)·r)); model time = the first whole round where it reaches 99.99% (every node for N ≤ 1000), times the gossip interval.")
        return out
    }

    /// One seeded run: warm up, write one entry at node 0, run until every node holds it.
    static func once(ids: SimIdentities, seed: UInt64, loss: Double, config: GossipConfig) throws -> (seconds: Double, kbps: Double) {
        let sim = Simulator(ids: ids, seed: seed, config: config, link: LinkModel(loss: loss, latencyMillis: 20, jitterMillis: 10))
        sim.run(for: 1500)
        sim.statsStart = sim.now
        let entry = try sim.write(at: 0, value: "bench \(seed)")
        let written = sim.now
        sim.track(entry.id)
        while sim.fullAt[entry.id] == nil, sim.now - written < 60_000 { sim.run(for: 10) }
        // A run that never reaches every node counts as the whole limit, and is reported.
        let full = sim.fullAt[entry.id] ?? sim.now
        if sim.fullAt[entry.id] == nil {
            print("sim: N=\(ids.count) loss \(loss) seed \(seed): \(sim.holders[entry.id] ?? 0) of \(ids.count) nodes hold the entry after 60 s")
        }
        // Finish the current second so the busiest window is whole.
        sim.run(for: 1000)
        var peak = 0
        for i in 0..<sim.count {
            peak = max(peak, sim.bytesOut[i].max() ?? 0, sim.bytesIn[i].max() ?? 0)
        }
        return (Double(full - written) / 1000, Double(peak) * 8 / 1000)
    }

    static func modelSeconds(n: Int, loss: Double, config: GossipConfig) -> Double {
        let rate = 0.5 * Double(config.fanout) * (1 - loss)
        var r = 0
        while 1 / (1 + Double(n + 1) * exp(-rate * Double(r))) < 0.9999 { r += 1 }
        return Double(r) * Double(config.gossipIntervalMillis) / 1000
    }
}
