import Foundation
import GrapevineCore
import Node
import SealedDatagrams
import TestKit

/// Real `grapevine` processes on loopback, each with its own home, for tests.
/// Every process started is stopped when the harness is torn down, even when a test fails.
final class NodeHarness: Polling, @unchecked Sendable {
    // @unchecked: used from one test at a time.
    let root: String
    var processes: [String: Process] = [:]

    init() throws {
        root = try TemporaryDirectory.create("grapevine-nodes")
    }

    deinit {
        ProcessRunner.killAll(processes.values)
    }

    static let binary = GrapevineBinary.path

    func home(_ name: String) -> String { root + "/" + name }

    /// Runs one CLI command to completion.
    @discardableResult
    func cli(_ name: String, _ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(Self.binary, arguments + ["--home", home(name)])
    }

    /// Starts `grapevine run` for a home on an OS-chosen port (of loopback, unless `listen` says
    /// otherwise) and waits for its status.
    func start(_ name: String, listen: String = "127.0.0.1:0", extra: [String] = []) throws -> NodeStatus {
        let log = home(name) + ".log"
        try? FileManager.default.removeItem(atPath: GrapevineHome(path: home(name)).path(of: .status))
        let process = try ProcessRunner.start(
            Self.binary, ["run", "--home", home(name), "--listen", listen, "--log-level", "info"] + extra, log: log)
        processes[name] = process
        let started = waitUntil(timeout: 10, every: 0.05) { status(name)?.pid == process.processIdentifier }
        guard started != nil, let status = status(name) else {
            throw HarnessError("node \(name) did not start; log:\n" + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
        }
        return status
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
        processes[name].flatMap { ProcessRunner.waitForExit($0, timeout: timeout) }
    }

    /// The store digest and entry count a home's store holds now, read by the CLI.
    func digest(_ name: String) throws -> (digest: String, entries: Int) {
        let result = try cli(name, ["inspect", "--json"])
        guard let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let digest = json["digest"] as? String, let entries = json["entries"] as? Int
        else { throw HarnessError("inspect failed: \(result.stderr)") }
        return (digest, entries)
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
