import Foundation
import TestKit
import Testing

/// Several `grapevine` processes editing one card at once, as a script or two terminals would.
@Suite struct ParallelEditTests {
    static func grapevine(_ arguments: [String], home: String) throws -> ProcessOutput {
        try ProcessRunner.run(GrapevineBinary.path, arguments + ["--home", home], environment: ["PATH": "/usr/bin:/bin"])
    }

    /// Runs `commands` as processes at the same time, one thread each (a thread pool would run
    /// only as many at once as there are cores), and returns their outputs in order.
    static func concurrently(_ commands: [[String]], home: String) -> [ProcessOutput?] {
        let results = Results(count: commands.count)
        let done = DispatchGroup()
        for (index, command) in commands.enumerated() {
            done.enter()
            Thread {
                results.set(index, try? grapevine(command, home: home))
                done.leave()
            }.start()
        }
        done.wait()
        return results.values
    }

    static func emails(home: String) throws -> [String] {
        let shown = try grapevine(["card", "show", "--json"], home: home)
        let json = try #require(try shown.json() as? [String: Any])
        let fields = try #require(json["fields"] as? [String: [[String: String]]])
        return (fields["email"] ?? []).compactMap { $0["value"] }
    }

    @Test("8 parallel `card add email` keep all 8 values (a field's limit), and a ninth is refused as full")
    func parallelAddsKeepEveryValue() throws {
        let home = TestHome.temporaryPath()
        #expect(try Self.grapevine(["init", "--name", "P"], home: home).code == 0)
        let values = (1...8).map { "p\($0)@example.com" }
        let outputs = Self.concurrently(values.map { ["card", "add", "email", $0] }, home: home)
        for output in outputs {
            #expect(output?.code == 0, "\(output?.stderr ?? "did not run")")
        }
        #expect(try Self.emails(home: home).sorted() == values.sorted())
        let ninth = try Self.grapevine(["card", "add", "email", "p9@example.com"], home: home)
        #expect(ninth.code == 1)
        #expect(ninth.stderr == "error: email already has 8 values, the most a field holds: remove one first with `grapevine card remove email VALUE`\n")
    }

    @Test("parallel `card remove` each take their own value away, and the rest stays")
    func parallelRemovesKeepTheRest() throws {
        let home = TestHome.temporaryPath()
        #expect(try Self.grapevine(["init"], home: home).code == 0)
        let values = (1...8).map { "r\($0)@example.com" }
        for value in values { #expect(try Self.grapevine(["card", "add", "email", value], home: home).code == 0) }
        let outputs = Self.concurrently(values.prefix(6).map { ["card", "remove", "email", $0] }, home: home)
        for output in outputs {
            #expect(output?.code == 0, "\(output?.stderr ?? "did not run")")
        }
        #expect(try Self.emails(home: home).sorted() == Array(values.suffix(2)))
    }
}

/// The outputs of concurrently run processes, one slot each.
private final class Results: @unchecked Sendable {
    // @unchecked: `slots` is only touched with `lock` held.
    private let lock = NSLock()
    private var slots: [ProcessOutput?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: ProcessOutput?) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [ProcessOutput?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
