import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Process-level controls for fair measurements: CPU affinity, resident memory, timing.
enum BenchSystem {
    /// Runs this executable again with `arguments`, restricted to `cpus` with taskset(1) so that
    /// a "1 core" figure really ran on one core, and returns the JSON object it prints.
    static func child(_ arguments: [String], cpus: [Int]) throws -> [String: Double] {
        let process = Process()
        let taskset = "/usr/bin/taskset"
        if FileManager.default.isExecutableFile(atPath: taskset) {
            process.executableURL = URL(fileURLWithPath: taskset)
            process.arguments = ["-c", cpus.map(String.init).joined(separator: ","), CommandLine.arguments[0]] + arguments
        } else {
            print("warning: \(taskset) not found; running \(arguments.joined(separator: " ")) on every core")
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = arguments
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let report = try? JSONSerialization.jsonObject(with: data) as? [String: Double]
        else { throw BenchError("\(arguments.joined(separator: " ")) failed: \(String(decoding: data, as: UTF8.self))") }
        return report
    }

    /// Prints a child's report for its parent.
    static func report(_ values: [String: Double]) throws {
        FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: values))
    }

    /// Resident set size in MB, from /proc/self/status.
    static func residentMB() -> Double { statusMB("VmRSS:") }

    /// The most resident memory this process has had, in MB (getrusage's ru_maxrss).
    static func peakResidentMB() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1024
    }

    private static func statusMB(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let digits = line.split(separator: " ").compactMap { Double($0) }
            return (digits.first ?? 0) / 1024
        }
        return 0
    }

    /// The 1-, 5- and 15-minute load averages as /proc/loadavg gives them, for the notes: the
    /// machine may be shared, and a figure means little without its load.
    static func loadAverages() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func seconds(since start: UInt64) -> Double {
        Double(monotonicNanos() - start) / 1e9
    }

    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// CPU time this process has used on all its threads: under other load, rates per CPU-second
    /// compare what the work costs where rates per wall second also measure the neighbours.
    static func processCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func removeStore(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
