import Foundation
import GrapevineCore
import Node
import TestKit

/// One `grapevine` home on a lab host, and the node process that runs it.
public final class LabNode: @unchecked Sendable {
    // @unchecked: one scenario drives its nodes from one task.
    public static let port: UInt16 = 7474

    public let lab: Lab
    public let host: Int
    public let home: String
    let binaries: Binaries
    public private(set) var process: Process?
    public private(set) var identity = ""
    /// What `--listen` is given; nil: the host's lab address and the lab port.
    let listen: String?

    init(lab: Lab, host: Int, root: String, binaries: Binaries, listen: String? = nil) throws {
        self.lab = lab
        self.host = host
        self.listen = listen
        self.home = root + "/h\(host)"
        self.binaries = binaries
        try cliOK(["init", "--name", "Host \(host)"])
        identity = try json(["id"])["id"] as? String ?? ""
    }

    public var address: String { "\(lab.address(host)):\(Self.port)" }
    public var logPath: String { home + ".log" }

    // MARK: The node process

    /// Starts `grapevine run` in the host's namespace and waits until it writes its status.
    ///
    /// - Parameter defaultListen: start it without `--listen`, on the node's default address.
    public func start(peers: [String] = [], extra: [String] = [], defaultListen: Bool = false) throws {
        try? FileManager.default.removeItem(atPath: GrapevineHome(path: home).path(of: .status))
        let arguments = ["run", "--home", home] + (defaultListen ? [] : ["--listen", listen ?? address])
            + ["--merge-log", "--log-level", "info"] + peers.flatMap { ["--peer", $0] } + extra
        let process = try lab.spawn(host: host, binaries.grapevine, arguments, log: logPath)
        self.process = process
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let status = status(), status.pid == process.processIdentifier { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw HarnessError("the node on host \(host) did not start; its log:\n\(log())")
    }

    /// SIGTERM, and waits for a clean exit; the exit code, or nil if it did not exit in time.
    @discardableResult
    public func stop(timeout: TimeInterval = 5) -> Int32? {
        signal(SIGTERM, timeout: timeout)
    }

    /// SIGKILL: the process gets no chance to tidy anything.
    public func crash() {
        _ = signal(SIGKILL, timeout: 5)
    }

    private func signal(_ signal: Int32, timeout: TimeInterval) -> Int32? {
        guard let process else { return nil }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    public func status() -> NodeStatus? {
        NodeStatus.read(home: GrapevineHome(path: home))
    }

    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The invite token of this node (the last line `grapevine invite` prints).
    public func invite() throws -> String {
        let text = try cliOK(["invite"])
        guard let token = text.split(separator: "\n").last.map(String.init), token.hasPrefix("gvi1") else {
            throw HarnessError("no invite from host \(host): \(text)")
        }
        return token
    }

    /// The state this node holds another member in ("alive", "suspect", …), from its status.
    public func memberState(_ identity: String) -> String? {
        member(identity)?.state
    }

    /// Whether this node holds `other` alive at the address it listens on: it can send to it.
    public func reaches(_ other: LabNode) -> Bool {
        guard let member = member(other.identity) else { return false }
        return member.state == "alive" && member.address == other.address
    }

    /// Whether this node holds `other` alive over a verified path, wherever it reaches it (behind
    /// a NAT, at an address `other` does not listen on).
    public func holdsVerified(_ other: LabNode) -> Bool {
        guard let member = member(other.identity) else { return false }
        return member.state == "alive" && member.address != nil
    }

    public func member(_ identity: String) -> NodeStatus.MemberSnapshot? {
        status()?.members.first { $0.id == identity }
    }

    // MARK: The CLI

    /// Runs `grapevine ARGUMENTS --home HOME` in the root namespace (the CLI needs no network).
    @discardableResult
    public func cli(_ arguments: [String]) throws -> ProcessOutput {
        try Command.run(binaries.grapevine, arguments + ["--home", home])
    }

    @discardableResult
    public func cliOK(_ arguments: [String]) throws -> String {
        let output = try cli(arguments)
        guard output.code == 0 else {
            throw HarnessError("`grapevine \(arguments.joined(separator: " "))` on host \(host) exited \(output.code): \(output.stderr)")
        }
        return output.stdout
    }

    public func json(_ arguments: [String]) throws -> [String: Any] {
        let text = try cliOK(arguments + ["--json"])
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw HarnessError("`grapevine \(arguments.joined(separator: " ")) --json` printed no object: \(text)")
        }
        return object
    }

    /// Sets one card field and returns the id of the acknowledged entry.
    @discardableResult
    public func setCard(_ field: String, _ value: String) throws -> String {
        guard let id = try json(["card", "set", field, value])["entry"] as? String else {
            throw HarnessError("`card set` on host \(host) printed no entry id")
        }
        return id
    }

    /// The store's digest and retained count, as `inspect` computes them.
    public func inspect() throws -> (digest: String, entries: Int, quarantined: Int) {
        let object = try json(["inspect"])
        guard let digest = object["digest"] as? String, let entries = object["entries"] as? Int else {
            throw HarnessError("`inspect --json` on host \(host) printed no digest")
        }
        return (digest, entries, object["quarantined"] as? Int ?? 0)
    }

    /// The merge log: each entry the node merged after commit, with the time, in order.
    public func mergeLog() -> [(millis: UInt64, id: String)] {
        let text = (try? String(contentsOfFile: home + "/merge.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let millis = UInt64(parts[0]) else { return nil }
            return (millis, String(parts[1]))
        }
    }

    /// The ids this node's merge log says were merged after commit, in order.
    public func mergedIDs() -> [String] { mergeLog().map(\.id) }

    /// Merge times (milliseconds) by entry id.
    public func mergeTimes() -> [String: UInt64] {
        Dictionary(mergeLog().map { ($0.id, $0.millis) }, uniquingKeysWith: { _, last in last })
    }

    /// The entries of the store file, by state, read with SQLite directly.
    public func storedEntries() throws -> StoreSnapshot {
        try StoreSnapshot(path: GrapevineHome(path: home).storePath)
    }
}

/// The executables a lab runs: `grapevine`, and `grapevine-faults` for the misbehaving peers.
public struct Binaries: Sendable {
    public var grapevine: String
    public var faults: String

    public init(grapevine: String, faults: String) {
        self.grapevine = grapevine
        self.faults = faults
    }

    /// Both executables from the directory that holds `executable` (SwiftPM builds them side by side).
    public init(besides executable: String) {
        let directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().path
        grapevine = directory + "/grapevine"
        faults = directory + "/grapevine-faults"
    }
}
