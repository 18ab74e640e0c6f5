// grapevine-bench: the benchmark sections of `make bench`. Each section prints a table and
// updates only its own keys in docs/benchmarks.json and its own block in docs/BENCHMARKS.md.
//
// Usage: grapevine-bench SECTION   (ingest, store, path, search, sim, sim-nat, recon, net, serf, or all)
// `all` leaves out serf, which needs Debian's serf package (`make bench-serf` installs it).
import Foundation
import GrapevineStore

let sections: [(name: String, run: () throws -> BenchOutput)] = [
    ("ingest", IngestBench.run),
    ("store", StartupBench.run),
    ("path", PathBench.run),
    ("search", SearchBench.run),
    ("sim", SimBench.run),
    ("sim-nat", SimNATBench.run),
    ("recon", ReconBench.run),
    ("net", NetBench.run),
    ("serf", SerfBench.run),
]
let runByNameOnly = ["serf"]

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    // Internal: the child processes that sections measure.
    if arguments.first == "store-open", arguments.count == 2 {
        try StartupBench.child(path: arguments[1])
        exit(0)
    }
    if arguments.first == "store-load", arguments.count == 2 {
        try StartupBench.loadChild(path: arguments[1])
        exit(0)
    }
    if arguments.first == "ingest-raw", arguments.count <= 2 {
        try IngestBench.rawVerifyChild(sealed: arguments.last == "sealed")
        exit(0)
    }
    if arguments.first == "ingest-dup", arguments.count == 2, let workers = Int(arguments[1]) {
        try IngestBench.duplicateChild(workers: workers)
        exit(0)
    }
    if arguments.first == "ingest-mix", (2...3).contains(arguments.count), let workers = Int(arguments[1]) {
        try IngestBench.gossipMixChild(workers: workers, openLoop: arguments.last == "open")
        exit(0)
    }
    if arguments.first == "ingest-pipeline", (2...3).contains(arguments.count), let workers = Int(arguments[1]) {
        try IngestBench.pipelineChild(workers: workers, sealed: arguments.last == "sealed")
        exit(0)
    }
    guard arguments.count == 1, let requested = arguments.first,
          requested == "all" || sections.contains(where: { $0.name == requested })
    else {
        let names = sections.map(\.name).joined(separator: ", ")
        FileHandle.standardError.write(Data("usage: grapevine-bench SECTION (one of \(names), or all)\n".utf8))
        exit(2)
    }
    let root = FileManager.default.currentDirectoryPath
    for section in sections where section.name == requested || (requested == "all" && !runByNameOnly.contains(section.name)) {
        let start = Date()
        let output = try section.run()
        try output.publish(root: root)
        print("(\(section.name): \(format(Date().timeIntervalSince(start), 1)) s)")
    }
} catch {
    FileHandle.standardError.write(Data("grapevine-bench: \(error)\n".utf8))
    exit(1)
}
