import Foundation
import GrapevineCore
import GrapevineStore

/// Path queries on a Barabási–Albert graph of 90k identities (m = 10) plus a separate
/// component of 10k, about 1M mutual connections (2M signed edge entries), bulk-loaded once:
/// the entries are signed and handed to the store's persistence stage without a second
/// verification. 10% of the queried pairs straddle the two components and are unreachable.
enum PathBench {
    static let bigComponent = 90_000
    static let smallComponent = 10_000
    static let m = 10
    static let set: UInt8 = 3
    static let queries = 1_000
    static let storePath = BenchData.directory + "/path-1m.sqlite"

    /// Undirected edges of a preferential-attachment graph over `offset..<offset+n`.
    static func barabasiAlbert(n: Int, offset: Int, rng: inout SeededRandom) -> [(Int, Int)] {
        var edges: [(Int, Int)] = []
        var endpoints: [Int] = []
        for a in 0..<m {
            for b in (a + 1)...m {
                edges.append((offset + a, offset + b))
                endpoints += [offset + a, offset + b]
            }
        }
        for v in (m + 1)..<n {
            var targets = Set<Int>()
            var chosen: [Int] = []
            while chosen.count < m {
                let t = endpoints[Int.random(in: 0..<endpoints.count, using: &rng)]
                if targets.insert(t).inserted { chosen.append(t) }
            }
            for t in chosen {
                edges.append((offset + v, t))
                endpoints += [offset + v, t]
            }
        }
        return edges
    }

    static func prepare() throws -> String {
        let marker = storePath + ".complete"
        if FileManager.default.fileExists(atPath: marker) { return storePath }
        BenchSystem.removeStore(storePath)
        let start = BenchSystem.monotonicNanos()
        var rng = SeededRandom(seed: 5)
        let edges = barabasiAlbert(n: bigComponent, offset: 0, rng: &rng)
            + barabasiAlbert(n: smallComponent, offset: bigComponent, rng: &rng)
        var neighbours = [[Int]](repeating: [], count: bigComponent + smallComponent)
        for (a, b) in edges {
            neighbours[a].append(b)
            neighbours[b].append(a)
        }
        let identities = (0..<neighbours.count).map { BenchData.identity($0, set: set) }
        let store = try Store(path: storePath, physicalMillis: StoreClock.nowMillis())
        let chunk = 2_000
        for lower in stride(from: 0, to: neighbours.count, by: chunk) {
            let jobs = (lower..<min(lower + chunk, neighbours.count)).map { a in
                BenchData.AuthorJob(author: a, entries: neighbours[a].map { b in
                    (.edge(EdgeInfo(target: identities[b], state: .connected)),
                     HLCStamp(millis: BenchData.baseMillis + UInt64.random(in: 0..<3_600_000, using: &rng), counter: 0))
                })
            }
            let signed = try BenchData.signEntries(jobs, set: set)
            for batch in stride(from: 0, to: signed.count, by: 5_000) {
                let items = signed[batch..<min(batch + 5_000, signed.count)].map { Result<SignedEntry, EntryError>.success($0) }
                _ = try store.ingest(items, physicalMillis: StoreClock.nowMillis())
            }
        }
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        print("built \(storePath): \(edges.count) undirected edges, \(edges.count * 2) entries in \(format(BenchSystem.seconds(since: start)))s (cached)")
        return storePath
    }

    static func run() throws -> BenchOutput {
        var out = BenchOutput(section: "path")
        let path = try prepare()
        let openStart = BenchSystem.monotonicNanos()
        let store = try Store(path: path, physicalMillis: StoreClock.nowMillis())
        let reader = store.reader
        // The first read of the in-memory state builds the graph (the open itself builds nothing).
        let stats = try reader.stats()
        let openSeconds = BenchSystem.seconds(since: openStart)
        var rng = SeededRandom(seed: 6)
        var pairs: [(PublicIdentity, PublicIdentity)] = []
        for i in 0..<queries {
            let a = Int.random(in: 0..<bigComponent, using: &rng)
            let b = i % 10 == 9
                ? bigComponent + Int.random(in: 0..<smallComponent, using: &rng)
                : Int.random(in: 0..<bigComponent, using: &rng)
            pairs.append((BenchData.identity(a, set: set), BenchData.identity(b, set: set)))
        }
        var samples: [Double] = []
        var reachable = 0
        var lengths = 0
        for (a, b) in pairs {
            let start = BenchSystem.monotonicNanos()
            let result = reader.path(from: a, to: b)
            samples.append(BenchSystem.seconds(since: start) * 1000)
            if let length = result.length {
                reachable += 1
                lengths += length
            }
        }
        let p = Percentiles(samples)
        out.row("graph", "BA n=\(bigComponent) m=\(m) + BA n=\(smallComponent) m=\(m); \(stats.retained) edge entries retained, \(stats.pruned) pruned")
        out.row("open with graph build (s)", format(openSeconds, 2))
        out.row("queries / reachable", "\(queries) / \(reachable), mean length \(format(Double(lengths) / Double(max(reachable, 1)), 2))")
        out.row("path p50 (ms)", format(p.at(50), 2), target: "<= 50")
        out.row("path p99 (ms)", format(p.at(99), 2), target: "<= 250")
        out.notes.append("bidirectional BFS over the in-memory mutual-connection graph, which the store builds at open from the edge table and keeps current on merge; each query also computes the first-hop introducers.")
        if stats.pruned > 0 {
            out.notes.append("the per-author edge bound (K = 2048) pruned \(stats.pruned) of the largest hubs' oldest edges, so those connections are not mutual in the store.")
        }
        out.notes.append("open time is mostly reading the 2M metadata rows and restoring the merge core from them in bulk (see the store section).")
        out.record("query.path_p50_ms", p.at(50))
        out.record("query.path_p99_ms", p.at(99))
        return out
    }
}
