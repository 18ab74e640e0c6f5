import Foundation
import GrapevineCore
import GrapevineStore

/// 100k identities, each with a card of five fields (name, org, title, locality, topics):
/// 500k entries, ingested once through the real pipeline into a cached store that the start-up
/// and search sections open.
enum CardsDataset {
    static let identities = 100_000
    static let set: UInt8 = 2
    static let storePath = BenchData.directory + "/cards-100k.sqlite"
    private static let completeMarker = storePath + ".complete"

    struct Vocabulary {
        var first: [String]
        var last: [String]
        var orgs: [String]
        var cities: [String]
        var topics: [String]
        let titles = ["Engineer", "Designer", "Founder", "Researcher", "Teacher", "Doctor", "Writer", "Analyst",
                      "Architect", "Nurse", "Lawyer", "Chef"]

        init() {
            var rng = SeededRandom(seed: 2)
            first = BenchData.words(800, rng: &rng)
            last = BenchData.words(8_000, rng: &rng)
            orgs = BenchData.words(3_000, rng: &rng)
            cities = BenchData.words(600, rng: &rng)
            topics = BenchData.words(300, rng: &rng).map { $0.lowercased() }
        }
    }

    static func pick(_ words: [String], _ rng: inout SeededRandom) -> String {
        words[Int.random(in: 0..<words.count, using: &rng)]
    }

    /// The path of the populated store, building it on first use.
    static func prepare() throws -> String {
        if FileManager.default.fileExists(atPath: completeMarker) { return storePath }
        let vocabulary = Vocabulary()
        let entries = try BenchData.cached("cards-100k.bin") {
            var rng = SeededRandom(seed: 3)
            let jobs = (0..<identities).map { i -> BenchData.AuthorJob in
                func stamp() -> HLCStamp {
                    HLCStamp(millis: BenchData.baseMillis + UInt64.random(in: 0..<3_600_000, using: &rng), counter: 0)
                }
                let name = pick(vocabulary.first, &rng) + " " + pick(vocabulary.last, &rng)
                let topics = (0..<3).map { _ in CardItem(pick(vocabulary.topics, &rng)) }
                return BenchData.AuthorJob(author: i, entries: [
                    (.card(CardUpdate(field: "fn", values: [CardItem(name)])), stamp()),
                    (.card(CardUpdate(field: "org", values: [CardItem(pick(vocabulary.orgs, &rng))])), stamp()),
                    (.card(CardUpdate(field: "title", values: [CardItem(pick(vocabulary.titles, &rng))])), stamp()),
                    (.card(CardUpdate(field: "locality", values: [CardItem(pick(vocabulary.cities, &rng))])), stamp()),
                    (.card(CardUpdate(field: "categories", values: topics)), stamp()),
                ])
            }
            return try BenchData.sign(jobs, set: set)
        }
        BenchSystem.removeStore(storePath)
        let start = BenchSystem.monotonicNanos()
        let store = try Store(path: storePath, physicalMillis: StoreClock.nowMillis())
        let batches = stride(from: 0, to: entries.count, by: 2_000).map { Array(entries[$0..<min($0 + 2_000, entries.count)]) }
        _ = try Ingestor(store: store).ingest(batches: batches, clock: { StoreClock.nowMillis() }) { _, _ in }
        _ = FileManager.default.createFile(atPath: completeMarker, contents: Data())
        print("built \(storePath) from \(entries.count) entries in \(format(BenchSystem.seconds(since: start)))s (cached)")
        return storePath
    }
}
