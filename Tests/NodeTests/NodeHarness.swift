import Foundation
import ProcessTestSupport
import GrapevineCore
import Node
import SealedDatagrams

/// Real `grapevine` processes on loopback, each with its own home, for tests.
/// Every process started is stopped when the harness is torn down, even when a test fails.
final class NodeHarness: @unchecked Sendable {
    // @unchecked: used from one test at a time.
    let root: String
    var processes: [String: Process] = [:]

    init() throws {
        root = NSTemporaryDirectory() + "grapevine-nodes-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit {
        for process in processes.values where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    static let binary = GrapevineBinary.path

    func home(_ name: String) -> String { root + "/" + name }

    struct Result {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs one CLI command to completion.
    @discardableResult
    func cli(_ name: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments + ["--home", home(name)]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(code: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `grapevine run` for a home on an OS-chosen port (of loopback, unless `listen` says
    /// otherwise) and waits for its status.
    func start(_ name: String, listen: String = "127.0.0.1:0", extra: [String] = []) throws -> NodeStatus {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--home", home(name), "--listen", listen, "--log-level", "info"] + extra
        let log = home(name) + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try? FileManager.default.removeItem(atPath: home(name) + "/" + NodeStatus.fileName)
        try process.run()
        processes[name] = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let status = status(name), status.pid == process.processIdentifier { return status }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw HarnessError("node \(name) did not start; log:\n" + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
    }

    func status(_ name: String) -> NodeStatus? {
        NodeStatus.read(home: GrapevineHome(path: home(name)))
    }

    /// The port a running node listens on.
    func port(_ name: String) -> UInt16? {
        status(name).flatMap { UInt16($0.listen.split(separator: ":").last ?? "") }
    }

    func signal(_ name: String, _ signal: Int32) {
        if let process = processes[name] { kill(process.processIdentifier, signal) }
    }

    /// Waits for a process to exit; its exit code, or nil on timeout.
    func waitForExit(_ name: String, timeout: TimeInterval) -> Int32? {
        guard let process = processes[name] else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The store digest and entry count a home's store holds now, read by the CLI.
    func digest(_ name: String) throws -> (digest: String, entries: Int) {
        let result = try cli(name, ["inspect", "--json"])
        guard let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let digest = json["digest"] as? String, let entries = json["entries"] as? Int
        else { throw HarnessError("inspect failed: \(result.stderr)") }
        return (digest, entries)
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes; the seconds it took, or nil.
    func waitUntil(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> TimeInterval? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if try condition() { return Date().timeIntervalSince(start) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// Two nodes, `a` and `b`, where `b` joined through `a`'s invite: `a`'s status, port and key,
    /// for tests that send datagrams to `a` while `b` shows it still converges.
    func startInvitedPair() throws -> (a: NodeStatus, port: UInt16, key: PublicIdentity) {
        for name in ["a", "b"] {
            guard try cli(name, ["init", "--name", name]).code == 0 else { throw HarnessError("init \(name) failed") }
        }
        let a = try start("a")
        guard let token = try cli("a", ["invite"]).stdout.split(separator: "\n").last.map(String.init) else {
            throw HarnessError("a printed no invite")
        }
        _ = try start("b", extra: ["--peer", token])
        guard let port = port("a") else { throw HarnessError("a has no port") }
        return (a, port, try PublicIdentity(parsing: a.identity))
    }
}

extension DatagramSealer {
    /// Seals as a test's peer would; a payload too large to seal fails the test.
    mutating func sealedForTest(_ payload: [UInt8], to peer: PublicIdentity) throws -> [UInt8] {
        guard let datagram = seal(payload, to: peer) else { throw HarnessError("could not seal") }
        return datagram
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
