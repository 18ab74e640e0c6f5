import Foundation
import TestKit

/// A few people, each with a home in one temporary directory, driven through the real `grapevine`
/// binary: CLI commands run to completion, nodes run until stopped. Every node still running when
/// the network is released is killed, so a failing test leaves no process behind.
final class Network: Polling, @unchecked Sendable {
    // @unchecked: one test drives one network from one task.
    let root: String
    private(set) var nodes: [String: Process] = [:]

    init() throws {
        root = try TemporaryDirectory.create("grapevine-e2e")
    }

    deinit {
        ProcessRunner.killAll(nodes.values)
        try? FileManager.default.removeItem(atPath: root)
    }

    static let binary = GrapevineBinary.path

    func home(_ person: String) -> String { root + "/" + person }

    typealias Output = ProcessOutput

    /// Runs `grapevine ARGUMENTS --home HOME` to completion.
    @discardableResult
    func run(_ person: String, _ arguments: [String]) throws -> Output {
        try ProcessRunner.run(Self.binary, arguments + ["--home", home(person)])
    }

    /// Runs a command that must succeed and returns its standard output.
    @discardableResult
    func ok(_ person: String, _ arguments: [String]) throws -> String {
        let output = try run(person, arguments)
        guard output.code == 0 else {
            throw NetworkError("`grapevine \(arguments.joined(separator: " "))` for \(person) exited \(output.code): \(output.stderr)")
        }
        return output.stdout
    }

    /// A JSON object printed by a command that must succeed.
    func object(_ person: String, _ arguments: [String]) throws -> [String: Any] {
        let text = try ok(person, arguments + ["--json"])
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw NetworkError("`grapevine \(arguments.joined(separator: " ")) --json` printed no object: \(text)")
        }
        return object
    }

    /// A person's identity in its text form.
    func identity(_ person: String) throws -> String {
        guard let id = try object(person, ["id"])["id"] as? String else { throw NetworkError("no id for \(person)") }
        return id
    }

    /// Starts `grapevine run` on an OS-chosen loopback port and waits until its status is live.
    func start(_ person: String, _ extra: [String] = []) throws {
        let log = home(person) + ".log"
        let process = try ProcessRunner.start(Self.binary, ["run", "--home", home(person), "--listen", "127.0.0.1:0"] + extra,
                                              log: log)
        nodes[person] = process
        let started = waitUntil(timeout: 10) {
            (try? object(person, ["status"]))?["pid"] as? Int == Int(process.processIdentifier)
        }
        guard started != nil else {
            throw NetworkError("the node of \(person) did not start: " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
        }
    }

    /// Sends a signal to a person's node and waits up to `timeout` seconds for it to exit.
    func stop(_ person: String, signal: Int32 = SIGTERM, timeout: TimeInterval = 3) -> Int32? {
        guard let process = nodes[person] else { return nil }
        kill(process.processIdentifier, signal)
        return ProcessRunner.waitForExit(process, timeout: timeout)
    }

    /// The store digest of each person, by `inspect --json`.
    func digests(_ people: [String]) throws -> [String] {
        try people.map { person in
            guard let digest = try object(person, ["inspect"])["digest"] as? String else {
                throw NetworkError("no digest for \(person)")
            }
            return digest
        }
    }

    /// Waits until every named store holds the same digest; throws with the digests otherwise.
    func converge(_ people: [String], timeout: TimeInterval = 10) throws {
        guard try waitUntil(timeout: timeout, { Set(try digests(people)).count == 1 }) != nil else {
            throw NetworkError("no convergence within \(timeout) s: \(zip(people, try digests(people)).map { "\($0) \($1)" })")
        }
    }
}

struct NetworkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
