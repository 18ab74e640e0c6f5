import Foundation
import GossipEngine
import GossipSimulator
import GrapevineCore
import GrapevineMerge

/// `make bench-recon`: range-based reconciliation of two 100k-entry sets with d differences.
enum ReconBench {
    static let size = 100_000
    static let differences = [0, 1, 10, 100, 1000]

    static func run() throws -> BenchOutput {
        var out = BenchOutput(section: "recon")
        let config = GossipConfig()
        var random = SeededRandom(seed: 0x7265_636f_6e)
        let base: UInt64 = 1_764_000_000_000
        let items: [(stamp: HLCStamp, id: EntryID)] = (0..<size).compactMap { i in
            EntryID(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
                .map { (HLCStamp(millis: base + UInt64(i) * 10 + UInt64.random(in: 0..<10, using: &random), counter: 0), $0) }
        }
        let fullState = size * EntryID.length
        out.record("recon.full_state_bytes", Double(fullState))
        out.row("full-state transfer (n × 32-byte id)", "\(fullState) B")
        for d in differences {
            var a = items
            var b = items
            // d positions spread uniformly; each difference is missing from one side at random.
            var positions = Set<Int>()
            while positions.count < d { positions.insert(Int.random(in: 0..<size, using: &random)) }
            for p in positions.sorted().reversed() {
                if Bool.random(using: &random) { a.remove(at: p) } else { b.remove(at: p) }
            }
            let exchange = ReconcileExchange(a: ReconciliationIndex(a), b: ReconciliationIndex(b), config: config)
            let found = exchange.aSends.count + exchange.bSends.count
            guard found == d else { throw BenchError("recon d=\(d): found \(found) differences") }
            out.record("recon.d\(d).bytes", Double(exchange.frameBytes))
            out.record("recon.d\(d).round_trips", Double(exchange.roundTrips))
            let target: String
            switch d {
            case 0: target = "1 round trip, < 200 B"
            case 10: target = "≤ 4 round trips, < 8 KB"
            default: target = ""
            }
            out.row("d=\(d): frame bytes, round trips (messages)",
                    "\(exchange.frameBytes) B, \(exchange.roundTrips) (\(exchange.messages.count))", target: target)
        }
        out.notes.append("Two sets of \(size) ids ordered by (stamp, id); branching \(config.reconciliationBranching), id lists up to \(config.idListThreshold) ids, frames ≤ \(config.payloadBudget) B. Bytes are reconciliation payloads only, not the entries transferred afterwards.")
        return out
    }
}
