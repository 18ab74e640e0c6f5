import Foundation
import GrapevineCore
import GrapevineStore
import Sodium

/// 100k pre-signed entries from 10k authors (cards, edges, introductions, responses) through the
/// real ingest pipeline into a real store, on one core and on two, against raw signature
/// verification of the same entries on one core; and the same data set with a third of its card
/// entries sealed (connections-only fields, PROTOCOL.md §5.9), whose ratios must stay within 5%.
enum IngestBench {
    static let authors = 10_000
    static let batchSize = 5_000
    static let set: UInt8 = 1

    /// The data set; `sealed` seals each card entry with probability 1/3 under its author's card
    /// key, drawing those choices from their own generator so the rest of the data set is the same.
    static func dataset(sealed: Bool = false) throws -> [[UInt8]] {
        try BenchData.cached(sealed ? "ingest-100k-sealed.bin" : "ingest-100k.bin") {
            var rng = SeededRandom(seed: 1)
            var sealing = SeededRandom(seed: 11)
            func card(_ field: String, _ value: String, author: Int) throws -> EntryContent {
                let values = [CardItem(value)]
                guard sealed, Int.random(in: 0..<3, using: &sealing) == 0 else {
                    return .card(CardUpdate(field: field, values: values))
                }
                var keyBytes = [UInt8](repeating: 0, count: CardKey.length)
                for i in 0..<8 { keyBytes[i] = UInt8(truncatingIfNeeded: author >> (8 * i)) }
                guard let key = CardKey(bytes: keyBytes) else { throw BenchError("bad card key") }
                let nonce = (0..<SealedValue.nonceLength).map { _ in UInt8.random(in: 0...255, using: &sealing) }
                return .card(CardUpdate(field: field, sealed: try CardSealing.seal(
                    values, field: field, author: BenchData.identity(author, set: set), key: key, nonce: nonce)))
            }
            let first = BenchData.words(600, rng: &rng)
            let last = BenchData.words(4_000, rng: &rng)
            let orgs = BenchData.words(1_500, rng: &rng)
            let cities = BenchData.words(400, rng: &rng)
            let titles = ["Engineer", "Designer", "Founder", "Researcher", "Teacher", "Doctor", "Writer", "Analyst"]
            // Author i introduces i+1 and i+2; i+1 answers it, so every response has its introduction.
            let introductionIDs = try BenchData.sign((0..<authors).map { i in
                BenchData.AuthorJob(author: i, entries: [(
                    .introduction(IntroductionInfo(
                        a: BenchData.identity((i + 1) % authors, set: set), b: BenchData.identity((i + 2) % authors, set: set),
                        note: "you two should talk")),
                    HLCStamp(millis: BenchData.baseMillis + UInt64(i), counter: 0))])
            }, set: set)
            var jobs: [BenchData.AuthorJob] = []
            for i in 0..<authors {
                var entries: [(content: EntryContent, stamp: HLCStamp)] = []
                func stamp() -> HLCStamp { HLCStamp(millis: BenchData.baseMillis + UInt64.random(in: 0..<3_600_000, using: &rng), counter: 0) }
                let name = CardsDataset.pick(first, &rng) + " " + CardsDataset.pick(last, &rng)
                entries.append((try card("fn", name, author: i), stamp()))
                entries.append((try card("org", CardsDataset.pick(orgs, &rng), author: i), stamp()))
                entries.append((try card("title", CardsDataset.pick(titles, &rng), author: i), stamp()))
                entries.append((try card("locality", CardsDataset.pick(cities, &rng), author: i), stamp()))
                for _ in 0..<4 {
                    var target = Int.random(in: 0..<authors, using: &rng)
                    if target == i { target = (i + 1) % authors }
                    entries.append((.edge(EdgeInfo(target: BenchData.identity(target, set: set), state: .connected)), stamp()))
                }
                let answered = (i + authors - 1) % authors
                guard let id = try? SignedEntry.decode(introductionIDs[answered]).id else { throw BenchError("bad introduction") }
                entries.append((.introductionResponse(IntroductionAnswer(
                    introduction: id, answer: Bool.random(using: &rng) ? .accept : .decline)), stamp()))
                jobs.append(BenchData.AuthorJob(author: i, entries: entries))
            }
            var all = introductionIDs + (try BenchData.sign(jobs, set: set))
            all.shuffle(using: &rng)
            return all
        }
    }

    /// Child: raw `crypto_sign_verify_detached` over the data set, on whatever core it was given.
    static func rawVerifyChild(sealed: Bool) throws {
        let parsed = try dataset(sealed: sealed).map { try ParsedEntry.parse($0) }
        let start = BenchSystem.monotonicNanos()
        let cpuStart = BenchSystem.processCPUNanos()
        var ok = 0
        for entry in parsed where Ed25519.verify(signature: entry.signature, message: SignedEntry.domain + entry.body,
                                                 publicKey: entry.author.bytes) {
            ok += 1
        }
        let seconds = BenchSystem.seconds(since: start)
        let cpu = Double(BenchSystem.processCPUNanos() - cpuStart) / 1e9
        guard ok == parsed.count else { throw BenchError("\(parsed.count - ok) entries failed raw verification") }
        try BenchSystem.report(["rate": Double(parsed.count) / seconds, "cpu_rate": Double(parsed.count) / cpu])
    }

    /// Child: the node's ingest pipeline into a fresh store with `workers` verification threads.
    static func pipelineChild(workers: Int, sealed: Bool) throws {
        let entries = try dataset(sealed: sealed)
        try withFreshStore("\(workers)\(sealed ? "-sealed" : "")", workers: workers) { ingestor in
            try pipeline(entries, ingestor)
        }
    }

    /// Entries per submitted datagram: about what one gossip datagram of entries carries.
    static let datagramEntries = 4

    /// The node's pipeline (`IngestPipeline`): datagrams checked on the global queue, commits
    /// grouped on the store's writer thread, outcomes reported after each commit.
    private static func makePipeline(_ ingestor: Ingestor) -> IngestPipeline<Int> {
        IngestPipeline<Int>(ingestor: ingestor, monotonicNanos: { BenchSystem.monotonicNanos() },
                            physicalMillis: { StoreClock.nowMillis() })
    }

    /// Submits `entries` a datagram at a time, tagged with `round`. The node drops a datagram
    /// that does not fit the queue; the bench waits and retries, so that every entry is counted.
    private static func submit(_ entries: [[UInt8]], round: Int, to pipeline: IngestPipeline<Int>, collect: () -> Void) {
        for start in stride(from: 0, to: entries.count, by: datagramEntries) {
            let datagram = Array(entries[start..<min(start + datagramEntries, entries.count)])
            while !pipeline.submit(datagram, tag: round) {
                collect()
                Thread.sleep(forTimeInterval: 0.0002)
            }
        }
        collect()
    }

    private static func pipeline(_ entries: [[UInt8]], _ ingestor: Ingestor) throws {
        let store = ingestor.store
        let pipeline = makePipeline(ingestor)
        var acknowledged = 0
        func collect() {
            for done in pipeline.completed() { acknowledged += done.outcomes?.count ?? 0 }
        }
        let start = BenchSystem.monotonicNanos()
        let cpuStart = BenchSystem.processCPUNanos()
        submit(entries, round: 0, to: pipeline, collect: collect)
        pipeline.stop()
        collect()
        let seconds = BenchSystem.seconds(since: start)
        let cpu = Double(BenchSystem.processCPUNanos() - cpuStart) / 1e9
        guard acknowledged == entries.count else { throw BenchError("only \(acknowledged) acknowledged") }
        let times = pipeline.stageTimes
        let stats = try store.reader.stats()
        let n = Double(max(times.entries, 1))
        try BenchSystem.report([
            "rate": Double(entries.count) / seconds, "cpu_rate": Double(entries.count) / cpu,
            "probe_us": Double(times.probeNanos) / n / 1000,
            "decode_us": Double(times.decodeNanos) / n / 1000, "verify_us": Double(times.verifyNanos) / n / 1000,
            "merge_us": Double(times.mergeNanos) / n / 1000, "persist_us": Double(times.persistNanos) / n / 1000,
            "entries_per_commit": n / Double(max(times.commits, 1)),
            "retained": Double(stats.retained), "pruned": Double(stats.pruned), "authors": Double(stats.authors),
        ])
    }

    /// Child: the data set ingested once (not timed), then all of it again: every entry a duplicate.
    static func duplicateChild(workers: Int) throws {
        let entries = try dataset()
        try withFreshStore("dup", workers: workers) { ingestor in try duplicates(entries, ingestor) }
    }

    private static func duplicates(_ entries: [[UInt8]], _ ingestor: Ingestor) throws {
        let pipeline = makePipeline(ingestor)
        var seen = 0
        var counting = false
        func collect() {
            for done in pipeline.completed() where counting {
                seen += done.outcomes?.filter { $0.outcome == .duplicate || $0.outcome == .superseded }.count ?? 0
            }
        }
        submit(entries, round: 0, to: pipeline, collect: collect)
        pipeline.drain()
        collect()
        // The few entries the first pass superseded are not held, so they come back superseded.
        counting = true
        let start = BenchSystem.monotonicNanos()
        submit(entries, round: 1, to: pipeline, collect: collect)
        pipeline.stop()
        collect()
        let seconds = BenchSystem.seconds(since: start)
        guard seen == entries.count else { throw BenchError("only \(seen) of \(entries.count) seen as held or superseded") }
        try BenchSystem.report(["rate": Double(entries.count) / seconds])
    }

    /// How many times each new entry arrives in the gossip mix.
    static let arrivals = 6

    /// Child: a gossip stream in which every entry arrives `arrivals` times. Each round carries
    /// its share of new entries plus one more copy of the new entries of each of the
    /// `arrivals − 1` rounds before the one just ahead, the way copies reach a node from several
    /// peers over the following gossip rounds; a round's copies are sent once the round they copy
    /// has been acknowledged. Counted as new entries per second.
    ///
    /// With `openLoop`, every round is sent as soon as the queue takes it, as peers send
    /// whatever the node has committed: copies then meet their first arrival while it is still
    /// being checked or awaits its commit (``InFlightCopies``).
    static func gossipMixChild(workers: Int, openLoop: Bool) throws {
        let entries = try dataset()
        try withFreshStore("mix", workers: workers) { ingestor in try gossipMix(entries, ingestor, openLoop: openLoop) }
    }

    private static func gossipMix(_ entries: [[UInt8]], _ ingestor: Ingestor, openLoop: Bool) throws {
        let fresh = stride(from: 0, to: entries.count, by: batchSize / arrivals).map {
            Array(entries[$0..<min($0 + batchSize / arrivals, entries.count)])
        }
        let pipeline = makePipeline(ingestor)
        var new = 0
        var arrived = 0
        var acknowledged = [Int](repeating: 0, count: fresh.count + arrivals)
        var submitted = [Int](repeating: 0, count: fresh.count + arrivals)
        func collect() {
            for done in pipeline.completed() {
                let outcomes = done.outcomes ?? []
                acknowledged[done.tag] += done.items.count
                arrived += outcomes.count
                new += outcomes.filter { $0.outcome == .new || $0.outcome == .superseded }.count
            }
        }
        let start = BenchSystem.monotonicNanos()
        let cpuStart = BenchSystem.processCPUNanos()
        for round in 0..<(fresh.count + arrivals) {
            if round >= 2, !openLoop {
                while acknowledged[round - 2] < submitted[round - 2] {
                    collect()
                    Thread.sleep(forTimeInterval: 0.0002)
                }
            }
            var batch = round < fresh.count ? fresh[round] : []
            for copy in 2...arrivals where round - copy >= 0 && round - copy < fresh.count {
                batch += fresh[round - copy]
            }
            submitted[round] = batch.count
            submit(batch, round: round, to: pipeline, collect: collect)
        }
        pipeline.stop()
        collect()
        let seconds = BenchSystem.seconds(since: start)
        let cpu = Double(BenchSystem.processCPUNanos() - cpuStart) / 1e9
        guard arrived == entries.count * arrivals else { throw BenchError("\(arrived) arrivals, not \(entries.count * arrivals)") }
        let times = pipeline.stageTimes
        try BenchSystem.report([
            "rate": Double(entries.count) / seconds, "new": Double(new), "cpu_us_per_new": cpu * 1e6 / Double(max(new, 1)),
            "checked_per_new": Double(times.entries - times.held - times.reused) / Double(max(new, 1)),
            "entries_per_commit": Double(times.entries - times.held) / Double(max(times.commits, 1)),
        ])
    }

    /// Runs `body` against a new store under the bench directory, removed afterwards.
    private static func withFreshStore(_ name: String, workers: Int, _ body: (Ingestor) throws -> Void) throws {
        let path = BenchData.directory + "/ingest-store-\(name).sqlite"
        BenchSystem.removeStore(path)
        defer { BenchSystem.removeStore(path) }
        try body(Ingestor(store: try Store(path: path, physicalMillis: StoreClock.nowMillis()), workers: workers))
    }

    static func chunked(_ entries: [[UInt8]]) -> [[[UInt8]]] {
        stride(from: 0, to: entries.count, by: batchSize).map { Array(entries[$0..<min($0 + batchSize, entries.count)]) }
    }

    static func run() throws -> BenchOutput {
        var out = BenchOutput(section: "ingest")
        let entries = try dataset()
        let loadBefore = BenchSystem.loadAverages()
        let rawRun = try BenchSystem.child(["ingest-raw"], cpus: [0])
        let raw = rawRun["rate"] ?? 0
        let one = try BenchSystem.child(["ingest-pipeline", "1"], cpus: [0])
        let two = try BenchSystem.child(["ingest-pipeline", "2"], cpus: [0, 1])
        let dup = try BenchSystem.child(["ingest-dup", "1"], cpus: [0])["rate"] ?? 0
        let mixRun = try BenchSystem.child(["ingest-mix", "2"], cpus: [0, 1])
        let mix = mixRun["rate"] ?? 0
        let openMixRun = try BenchSystem.child(["ingest-mix", "2", "open"], cpus: [0, 1])
        let openMix = openMixRun["rate"] ?? 0
        let rate1 = one["rate"] ?? 0
        let rate2 = two["rate"] ?? 0
        out.row("entries", "\(entries.count) from \(authors) authors")
        out.row("raw verify, 1 core (entries/s)", format(raw, 0))
        out.row("ingest, 1 core (entries/s)", format(rate1, 0))
        out.row("ingest, 2 cores (entries/s)", format(rate2, 0))
        out.row("ratio, 1 core", format(rate1 / raw, 2), target: ">= 0.6")
        out.row("ratio, 2 cores", format(rate2 / raw, 2), target: ">= 1.0")
        let cpuRatio = (one["cpu_rate"] ?? 0) / max(rawRun["cpu_rate"] ?? 1, 1)
        out.row("ratio per CPU-second, 1 core (what the work costs, whatever else runs)", format(cpuRatio, 2))
        out.row("duplicates, 1 core, cpu 0 (entries/s)", format(dup, 0))
        out.row("duplicate ratio, 1 core (cpu 0)", format(dup / raw, 2), target: ">= 20")
        out.row("gossip mix, \(arrivals) arrivals each, 2 cores (new entries/s)", format(mix, 0))
        out.row("gossip mix ratio, 2 cores (cpus 0,1)", format(mix / raw, 2), target: ">= 1.0")
        out.row("gossip mix: entries decoded and verified per new entry", format(mixRun["checked_per_new"] ?? 0, 2))
        out.row("gossip mix, CPU µs per new entry with its copies, closed / open loop",
                "\(format(mixRun["cpu_us_per_new"] ?? 0, 1)) / \(format(openMixRun["cpu_us_per_new"] ?? 0, 1))")
        out.row("gossip mix, open loop, 2 cores (new entries/s)", format(openMix, 0))
        out.row("gossip mix ratio, open loop, 2 cores", format(openMix / raw, 2))
        out.row("gossip mix, open loop: entries decoded and verified per new entry", format(openMixRun["checked_per_new"] ?? 0, 2),
                target: "1.00")
        for (cores, t) in [(1, one), (2, two)] {
            let stage = { (key: String) in format(t[key] ?? 0, 1) }
            out.row("µs/entry core-time, \(cores) core(s): probe / decode / verify / merge / persist",
                    "\(stage("probe_us")) / \(stage("decode_us")) / \(stage("verify_us")) / \(stage("merge_us")) / \(stage("persist_us"))")
        }
        out.row("entries per commit, 1 core / 2 cores / gossip mix",
                "\(format(one["entries_per_commit"] ?? 0, 0)) / \(format(two["entries_per_commit"] ?? 0, 0)) / \(format(mixRun["entries_per_commit"] ?? 0, 0))")
        let sealedEntries = try dataset(sealed: true)
        let sealedRawRun = try BenchSystem.child(["ingest-raw", "sealed"], cpus: [0])
        let sealedRaw = sealedRawRun["rate"] ?? 0
        let sealedOneRun = try BenchSystem.child(["ingest-pipeline", "1", "sealed"], cpus: [0])
        let sealedTwoRun = try BenchSystem.child(["ingest-pipeline", "2", "sealed"], cpus: [0, 1])
        let sealedOne = sealedOneRun["rate"] ?? 0
        let sealedTwo = sealedTwoRun["rate"] ?? 0
        let sealedCards = sealedEntries.filter { bytes in
            guard let parsed = try? ParsedEntry.parse(bytes), case .card(let update) = parsed.content else { return false }
            return update.sealed != nil
        }.count
        let ratio1 = rate1 / raw, ratio2 = rate2 / raw
        let sealedRatio1 = sealedOne / sealedRaw, sealedRatio2 = sealedTwo / sealedRaw
        out.row("sealed: card entries sealed", "\(sealedCards) of \(authors * 4)")
        out.row("sealed: ingest, 1 core / 2 cores (entries/s)", "\(format(sealedOne, 0)) / \(format(sealedTwo, 0))")
        out.row("sealed: ratio, 1 core", format(sealedRatio1, 2), target: "within 5% of \(format(ratio1, 2))")
        out.row("sealed: ratio, 2 cores", format(sealedRatio2, 2), target: "within 5% of \(format(ratio2, 2))")
        // Wall-clock ratios of children run minutes apart move with the machine's load; CPU time
        // does not, so the sealed and unsealed work are also compared per CPU-second.
        let perCPU = { (run: [String: Double], raw: [String: Double]) in (run["cpu_rate"] ?? 0) / max(raw["cpu_rate"] ?? 1, 1) }
        out.row("sealed / unsealed, per CPU-second, 1 core",
                "\(format(perCPU(sealedOneRun, sealedRawRun), 2)) / \(format(perCPU(one, rawRun), 2))")
        out.row("sealed / unsealed, per CPU-second, 2 cores",
                "\(format(perCPU(sealedTwoRun, sealedRawRun), 2)) / \(format(perCPU(two, rawRun), 2))")
        out.notes.append("each figure is a fresh process pinned with taskset; the store after ingest holds \(Int(one["retained"] ?? 0)) retained entries (\(Int(one["pruned"] ?? 0)) pruned) from \(Int(one["authors"] ?? 0)) authors.")
        out.notes.append("duplicates: the whole data set ingested a second time into the store that holds it, on cpu 0. "
                         + "Gossip mix: rounds of \(batchSize / arrivals) new entries, each round also carrying a copy of the new "
                         + "entries of each of the rounds 2 to \(arrivals) places before it, so every entry arrives \(arrivals) times; "
                         + "a round is sent once the round two before it is acknowledged, so a copy never meets its first arrival "
                         + "while that one is still in flight; on cpus 0 and 1. The open loop sends each round as soon as the "
                         + "queue takes it, so copies meet their first arrival while it is being checked or awaits its commit.")
        out.notes.append("the node's pipeline (IngestPipeline): datagrams of \(datagramEntries) entries checked (probe, decode, verify) on the global queue while the store's writer thread commits the previous batch; a batch closes \(IngestPipeline<Int>.defaultWindowNanos / 1_000_000) ms after its first datagram (later if datagrams are still being checked then, which join it) or at \(IngestPipeline<Int>.defaultMaxEntries) entries. Persist covers the entry row, every derived table and the FTS row, and the commit (WAL, synchronous=NORMAL).")
        out.record("ingest.entries_per_s_1core", rate1)
        out.record("ingest.entries_per_s_2core", rate2)
        out.record("ingest.raw_verify_per_s", raw)
        out.record("ingest.ratio_1core", rate1 / raw)
        out.record("ingest.ratio_2core", rate2 / raw)
        out.record("ingest.cpu_ratio_1core", cpuRatio)
        out.record("ingest.dup_per_s_1core", dup)
        out.record("ingest.dup_ratio", dup / raw)
        out.record("ingest.gossip_mix_per_s_2core", mix)
        out.record("ingest.gossip_mix_ratio", mix / raw)
        out.record("ingest.gossip_mix_open_per_s_2core", openMix)
        out.record("ingest.gossip_mix_open_ratio", openMix / raw)
        out.record("ingest.gossip_mix_open_checked_per_new", openMixRun["checked_per_new"] ?? 0)
        out.record("ingest.sealed_ratio_1core", sealedRatio1)
        out.record("ingest.sealed_ratio_2core", sealedRatio2)
        out.notes.append("load averages (1, 5, 15 min) at the start: \(loadBefore); at the end: \(BenchSystem.loadAverages()), on \(ProcessInfo.processInfo.activeProcessorCount) cores shared with other work.")
        out.notes.append("sealed: the same data set with a third of its card entries sealed (XChaCha20-Poly1305, padded to 64 bytes), ratios against raw verification of that data set in the same run; a node checks sealed bytes by length alone, so no decryption is on the ingest path.")
        return out
    }
}
