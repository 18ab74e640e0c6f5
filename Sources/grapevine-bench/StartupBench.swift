import Foundation
import GrapevineCore
import GrapevineStore

/// Start-up: a fresh process opens the store holding 100k cards (rebuilding the merge core and
/// the graph from the metadata columns) and serves its first query.
enum StartupBench {
    static let runs = 3

    static func run() throws -> BenchOutput {
        var out = BenchOutput(section: "store")
        let path = try CardsDataset.prepare()
        var walls: [Double] = []
        var insides: [Double] = []
        var rss: [Double] = []
        for _ in 0..<runs {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["store-open", path]
            let pipe = Pipe()
            child.standardOutput = pipe
            let start = BenchSystem.monotonicNanos()
            try child.run()
            // The child closes its output once it has answered: the clock stops at the first
            // query, not after the process has freed its memory and exited.
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            walls.append(BenchSystem.seconds(since: start))
            child.waitUntilExit()
            guard child.terminationStatus == 0,
                  let report = try JSONSerialization.jsonObject(with: data) as? [String: Double],
                  let inside = report["first_query_s"], let mb = report["rss_mb"]
            else { throw BenchError("store-open failed: \(String(decoding: data, as: UTF8.self))") }
            insides.append(inside)
            rss.append(mb)
        }
        let wall = Percentiles(walls).at(50)
        let inside = Percentiles(insides).at(50)
        let mb = Percentiles(rss).at(50)
        let store = try Store(path: path, physicalMillis: StoreClock.nowMillis())
        let stats = try store.reader.stats()
        out.row("cards / entries", "\(stats.authors) / \(stats.retained)")
        out.row("process start to first query (s, median of \(runs))", format(wall, 3), target: "<= 1")
        out.row("of which open + first query in-process (s)", format(inside, 3))
        out.row("RSS at first query (MB)", format(mb, 1), target: "<= 250")
        out.notes.append("a child process opens the store (migrations, merge core restored in bulk from the metadata columns without verifying signatures, graph from the edge table) and runs one search; the file is in the page cache (warm start).")
        if wall > 1 || mb > 250 {
            out.notes.append("over target: the open is CPU-bound (~0.75 s of CPU, perf 2026-11-27: about half reading the 500k metadata rows from SQLite, half the bulk MergeCore.restore, its index built on a second thread), so load from other processes on the 2 cores pushes the wall time past 1 s.")
        }
        out.record("store.open_s_100k", wall)
        out.record("store.rss_mb_100k", mb)
        return out
    }

    /// The child side: open, one query, report.
    static func child(path: String) throws {
        let start = BenchSystem.monotonicNanos()
        let store = try Store(path: path, physicalMillis: StoreClock.nowMillis())
        _ = try store.reader.search("engineer", limit: 20)
        let seconds = BenchSystem.seconds(since: start)
        let report = ["first_query_s": seconds, "rss_mb": BenchSystem.residentMB()]
        let data = try JSONSerialization.data(withJSONObject: report)
        FileHandle.standardOutput.write(data)
        try FileHandle.standardOutput.close()
    }
}
