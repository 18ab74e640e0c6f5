import Foundation

/// Prints a section's table and records its numbers: each section owns its keys in
/// `docs/benchmarks.json` and its block in `docs/BENCHMARKS.md`, and leaves every other one alone.
struct BenchOutput {
    let section: String
    let command: String
    var rows: [(metric: String, value: String, target: String)] = []
    var notes: [String] = []
    var keys: [String: Double] = [:]

    init(section: String) {
        self.section = section
        self.command = "make bench-\(section)   # swift run -c release --skip-build grapevine-bench \(section)"
    }

    mutating func row(_ metric: String, _ value: String, target: String = "") {
        rows.append((metric, value, target))
    }

    mutating func record(_ key: String, _ value: Double) {
        keys[key] = (value * 1000).rounded() / 1000
    }

    func table() -> String {
        let w0 = max(6, rows.map(\.metric.count).max() ?? 0)
        let w1 = max(5, rows.map(\.value.count).max() ?? 0)
        var out = "| " + "metric".padding(toLength: w0, withPad: " ", startingAt: 0) + " | "
            + "value".padding(toLength: w1, withPad: " ", startingAt: 0) + " | target |\n"
        out += "|" + String(repeating: "-", count: w0 + 2) + "|" + String(repeating: "-", count: w1 + 2) + "|--------|\n"
        for r in rows {
            out += "| " + r.metric.padding(toLength: w0, withPad: " ", startingAt: 0) + " | "
                + r.value.padding(toLength: w1, withPad: " ", startingAt: 0) + " | " + r.target + " |\n"
        }
        return out
    }

    func publish(root: String) throws {
        print("\n== \(section) ==")
        print(table())
        for note in notes { print("note: \(note)") }
        try updateJSON(root + "/docs/benchmarks.json")
        try updateMarkdown(root + "/docs/BENCHMARKS.md")
    }

    private func updateJSON(_ path: String) throws {
        var object: [String: Any] = [:]
        if let data = FileManager.default.contents(atPath: path), !data.isEmpty {
            guard let existing = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw BenchError("\(path) is not a JSON object; fix or delete it")
            }
            object = existing
        }
        for (key, value) in keys { object[key] = value }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: path))
    }

    private func updateMarkdown(_ path: String) throws {
        let begin = "<!-- bench:\(section) -->"
        let end = "<!-- /bench:\(section) -->"
        var block = "\(begin)\n## \(section)\n\nCommand: `\(command)`\n\n"
        block += "Measured \(Self.timestamp()) on \(ProcessInfo.processInfo.activeProcessorCount) cores.\n\n"
        block += table()
        if !notes.isEmpty { block += "\n" + notes.map { "- " + $0 }.joined(separator: "\n") + "\n" }
        block += end
        var text = (try? String(contentsOfFile: path, encoding: .utf8))
            ?? "# Benchmarks\n\nWritten by `make bench` (every section) or `make bench-SECTION` (one section); numbers also in `docs/benchmarks.json`.\n"
        if let lower = text.range(of: begin), let upper = text.range(of: end, range: lower.upperBound..<text.endIndex) {
            text.replaceSubrange(lower.lowerBound..<upper.upperBound, with: block)
        } else {
            if !text.hasSuffix("\n") { text += "\n" }
            text += "\n" + block + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date())
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Latency percentiles over a sample, in milliseconds.
struct Percentiles {
    let sorted: [Double]
    init(_ samples: [Double]) { sorted = samples.sorted() }
    func at(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}
