import Foundation
import GrapevineCore
import GrapevineStore

/// FTS5 search over the 100k cards: one- and two-word queries, whole words and prefixes.
enum SearchBench {
    static let queries = 1_000

    static func run() throws -> BenchOutput {
        var out = BenchOutput(section: "search")
        let reader = try Store(path: try CardsDataset.prepare(), physicalMillis: StoreClock.nowMillis()).reader
        let vocabulary = CardsDataset.Vocabulary()
        var rng = SeededRandom(seed: 4)
        var texts: [String] = []
        for i in 0..<queries {
            let word = CardsDataset.pick([vocabulary.first, vocabulary.last, vocabulary.orgs, vocabulary.cities,
                                          vocabulary.topics][i % 5], &rng)
            switch i % 4 {
            case 0: texts.append(String(word.prefix(3)))
            case 1: texts.append(word + " " + CardsDataset.pick(vocabulary.titles, &rng))
            default: texts.append(word)
            }
        }
        var samples: [Double] = []
        var hits = 0
        for text in texts {
            let start = BenchSystem.monotonicNanos()
            hits += try reader.search(text, limit: 20).count
            samples.append(BenchSystem.seconds(since: start) * 1000)
        }
        let p = Percentiles(samples)
        out.row("queries", "\(queries) (1-2 words, a quarter of them 3-letter prefixes), top 20 by rank")
        out.row("search p50 (ms)", format(p.at(50), 2), target: "<= 20")
        out.row("search p99 (ms)", format(p.at(99), 2))
        out.row("mean hits per query", format(Double(hits) / Double(queries), 1))
        out.record("query.search_p50_ms", p.at(50))
        return out
    }
}
