import Dispatch
import Foundation
import GrapevineCore
import GrapevineStore
import Sodium

/// Synthetic, seeded data sets. Signing is not what the benchmarks measure, so the signed
/// entries are generated once (over all cores) and cached under `.build-bench/`.
enum BenchData {
    static let directory = ".build-bench"
    /// Stamps sit a day in the past, so nothing is quarantined.
    static let baseMillis: UInt64 = StoreClock.nowMillis() - 86_400_000

    /// A deterministic key per number and data set.
    static func key(_ n: Int, set: UInt8) -> Ed25519.SigningKey {
        var seed = [UInt8](repeating: 0, count: 32)
        for i in 0..<8 { seed[i] = UInt8(truncatingIfNeeded: n >> (8 * i)) }
        seed[30] = set
        seed[31] = 0xbe
        guard let key = Ed25519.SigningKey(seed: seed) else { preconditionFailure("a 32-byte seed is valid") }
        return key
    }

    static func identity(_ n: Int, set: UInt8) -> PublicIdentity {
        guard let id = PublicIdentity(bytes: key(n, set: set).publicKey) else { preconditionFailure("32-byte key") }
        return id
    }

    /// Pronounceable words, so that search sees a realistic vocabulary.
    static func words(_ count: Int, rng: inout SeededRandom) -> [String] {
        let onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "st", "tr"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
        var seen = Set<String>()
        var out: [String] = []
        while out.count < count {
            var word = ""
            for _ in 0..<Int.random(in: 2...3, using: &rng) {
                word += onsets[Int.random(in: 0..<onsets.count, using: &rng)] + vowels[Int.random(in: 0..<vowels.count, using: &rng)]
            }
            if seen.insert(word).inserted { out.append(word.prefix(1).uppercased() + word.dropFirst()) }
        }
        return out
    }

    /// One author's entries to sign.
    struct AuthorJob: Sendable {
        var author: Int
        var entries: [(content: EntryContent, stamp: HLCStamp)]
    }

    /// Signs every job over all cores; the result keeps job order, then entry order.
    static func sign(_ jobs: [AuthorJob], set: UInt8) throws -> [[UInt8]] {
        try signEntries(jobs, set: set).map(\.encoded)
    }

    static func signEntries(_ jobs: [AuthorJob], set: UInt8) throws -> [SignedEntry] {
        final class Slots: @unchecked Sendable {
            // Each index is written by one iteration only; read after concurrentPerform returns.
            var out: [[SignedEntry]]
            var failure: String?
            init(_ n: Int) { out = Array(repeating: [], count: n) }
        }
        let slots = Slots(jobs.count)
        let chunks = ProcessInfo.processInfo.activeProcessorCount * 4
        let size = (jobs.count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lower = chunk * size
            let upper = min(lower + size, jobs.count)
            guard lower < upper else { return }
            for j in lower..<upper {
                let key = key(jobs[j].author, set: set)
                do {
                    slots.out[j] = try jobs[j].entries.map { try SignedEntry.sign($0.content, stamp: $0.stamp, with: key) }
                } catch {
                    slots.failure = "\(error)"
                }
            }
        }
        if let failure = slots.failure { throw BenchError("signing failed: \(failure)") }
        return slots.out.flatMap { $0 }
    }

    /// Loads `name` from the cache, or generates and caches it.
    static func cached(_ name: String, generate: () throws -> [[UInt8]]) throws -> [[UInt8]] {
        let path = directory + "/" + name
        if let data = FileManager.default.contents(atPath: path), let entries = decode(data) {
            return entries
        }
        let start = BenchSystem.monotonicNanos()
        let entries = try generate()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try encode(entries).write(to: URL(fileURLWithPath: path))
        print("generated \(entries.count) signed entries for \(name) in \(format(BenchSystem.seconds(since: start)))s (cached)")
        return entries
    }

    private static func encode(_ entries: [[UInt8]]) -> Data {
        var out = Data()
        for e in entries {
            var n = UInt32(e.count).littleEndian
            withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
            out.append(contentsOf: e)
        }
        return out
    }

    private static func decode(_ data: Data) -> [[UInt8]]? {
        let bytes = [UInt8](data)
        var out: [[UInt8]] = []
        var i = 0
        while i + 4 <= bytes.count {
            let n = Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24
            i += 4
            guard i + n <= bytes.count else { return nil }
            out.append(Array(bytes[i..<(i + n)]))
            i += n
        }
        return i == bytes.count && !out.isEmpty ? out : nil
    }
}
