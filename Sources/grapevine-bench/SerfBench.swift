import Foundation

/// `make bench-serf`: 32 HashiCorp Serf agents (Debian's `serf`) and 32 Grapevine nodes in one
/// run on loopback, side by side: join time, propagation of a Serf user event against a Grapevine
/// card edit from the command to the last receiver, and idle CPU, RSS and PSS per process. Serf's
/// `lan` profile gossips every 200 ms to 3 members, as Grapevine does by default, so both run with
/// their defaults.
enum SerfBench {
    static let nodes = 32
    static let trials = 11
    static let joinTrials = 3

    static func run() throws -> BenchOutput {
        var out = BenchOutput(section: "serf")
        guard let serf = SerfCluster.binary() else {
            throw BenchError("serf is missing: `make bench-serf` installs it (apt-get install -y serf, as root)")
        }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("grapevine").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("\(binary) is missing: `make bench-serf` builds it (swift build -c release --static-swift-stdlib --product grapevine)")
        }
        let load = BenchSystem.loadAverages()
        // Each group joins `joinTrials` times from fresh homes, Serf then Grapevine in turn; the
        // last clusters stay up for the idle and propagation measurements.
        var serfJoins: [Double] = []
        var grapevineJoins: [Double] = []
        var statusJoins: [Double] = []
        var clusters: (serf: SerfCluster, grapevine: LoopbackNetwork)?
        defer {
            clusters?.serf.stop()
            clusters?.grapevine.stop()
        }
        for trial in 0..<joinTrials {
            clusters?.serf.stop()
            clusters?.grapevine.stop()
            let serfCluster = try SerfCluster(binary: serf, size: nodes, trial: trial)
            let grapevine = try LoopbackNetwork(binary: binary, size: nodes)
            clusters = (serfCluster, grapevine)
            serfJoins.append(try serfCluster.startAll())
            let joined = try grapevine.startAll()
            grapevineJoins.append(joined.logged)
            statusJoins.append(joined.status)
        }
        guard let (serfCluster, grapevine) = clusters else { throw BenchError("no join trial ran") }
        let serfJoin = Percentiles(serfJoins).at(50)
        let grapevineJoin = Percentiles(grapevineJoins).at(50)
        let statusJoin = Percentiles(statusJoins).at(50)
        out.row("join: every process logs all \(nodes - 1) others, Serf (median of \(joinTrials))", "\(format(serfJoin, 2)) s")
        out.row("join, Grapevine (median of \(joinTrials))", "\(format(grapevineJoin, 2)) s")
        out.row("join ratio (Grapevine / Serf)", format(grapevineJoin / serfJoin, 2), target: "≤ 1.0")
        out.row("join trials, Serf / Grapevine",
                serfJoins.map { format($0, 2) }.joined(separator: " ") + " / " + grapevineJoins.map { format($0, 2) }.joined(separator: " ") + " s")
        out.row("join, Grapevine, until every status.json shows it (median)", "\(format(statusJoin, 2)) s")
        out.record("serf.n32.serf_join_s", serfJoin)
        out.record("serf.n32.grapevine_join_s", grapevineJoin)
        out.record("serf.n32.grapevine_join_status_s", statusJoin)
        out.record("serf.n32.join_ratio", grapevineJoin / serfJoin)

        Thread.sleep(forTimeInterval: 5)
        let idle = ProcessSample.idle([serfCluster.pids, grapevine.processes.map(\.processIdentifier)], seconds: 10)
        let (serfIdle, grapevineIdle) = (idle[0], idle[1])
        out.row("idle CPU per process, Serf / Grapevine",
                "\(format(serfIdle.cpuPercent, 2)) % / \(format(grapevineIdle.cpuPercent, 2)) %")
        out.row("idle CPU ratio", format(grapevineIdle.cpuPercent / serfIdle.cpuPercent, 2), target: "≤ 1.5")
        out.row("RSS per process, Serf / Grapevine", "\(format(serfIdle.rssMB, 1)) MB / \(format(grapevineIdle.rssMB, 1)) MB")
        out.row("PSS per process, Serf / Grapevine", "\(format(serfIdle.pssMB, 1)) MB / \(format(grapevineIdle.pssMB, 1)) MB")
        out.record("serf.n32.cpu_ratio", grapevineIdle.cpuPercent / serfIdle.cpuPercent)
        out.record("serf.n32.rss_ratio", grapevineIdle.rssMB / serfIdle.rssMB)
        out.record("serf.n32.pss_ratio", grapevineIdle.pssMB / serfIdle.pssMB)
        out.record("serf.n32.serf_cpu_pct", serfIdle.cpuPercent)
        out.record("serf.n32.grapevine_cpu_pct", grapevineIdle.cpuPercent)

        var serfTimes: [Double] = []
        var grapevineTimes: [Double] = []
        for trial in 0..<trials {
            let sender = (trial * 7) % nodes
            if let t = try serfCluster.propagation(sender: sender, event: "bench\(trial)") { serfTimes.append(t) }
            Thread.sleep(forTimeInterval: 0.5)
            if let t = try grapevine.propagation(writer: sender, value: "trial \(trial)", fromCommand: true) { grapevineTimes.append(t) }
            Thread.sleep(forTimeInterval: 0.5)
        }
        guard !serfTimes.isEmpty, !grapevineTimes.isEmpty else {
            throw BenchError("no event reached all \(nodes) processes within 30 s (Serf \(serfTimes.count), Grapevine \(grapevineTimes.count))")
        }
        let serfSpread = Percentiles(serfTimes)
        let grapevineSpread = Percentiles(grapevineTimes)
        out.row("propagation, command → last of \(nodes - 1) receivers, median, Serf / Grapevine",
                "\(format(serfSpread.at(50), 3)) s / \(format(grapevineSpread.at(50), 3)) s")
        out.row("propagation, slowest of \(trials), Serf / Grapevine",
                "\(format(serfSpread.at(100), 3)) s / \(format(grapevineSpread.at(100), 3)) s")
        out.row("propagation median ratio", format(grapevineSpread.at(50) / serfSpread.at(50), 2), target: "≤ 1.0")
        out.row("propagation max ratio", format(grapevineSpread.at(100) / serfSpread.at(100), 2))
        out.record("serf.n32.propagate_p50_ratio", grapevineSpread.at(50) / serfSpread.at(50))
        out.record("serf.n32.propagate_max_ratio", grapevineSpread.at(100) / serfSpread.at(100))
        out.record("serf.n32.serf_propagate_p50_s", serfSpread.at(50))
        out.record("serf.n32.grapevine_propagate_p50_s", grapevineSpread.at(50))

        out.notes.append("Serf \(serfCluster.version) with its `lan` profile (gossip every 200 ms to 3 members, probe every 1 s), "
                         + "user events sent with `serf event -coalesce=false` and timed by an event handler on each agent; "
                         + "Grapevine nodes with their defaults (the same gossip interval and fanout), edits made with "
                         + "`grapevine card set` and timed from each node's merge.log. Both are timed from just before the "
                         + "command starts to the last of the \(nodes - 1) other processes; the senders rotate.")
        out.notes.append("What differs: a Grapevine entry is signed (Ed25519) by its author and checked by every receiver, "
                         + "every datagram is sealed (X25519 + XSalsa20-Poly1305) to its recipient, and every receiver "
                         + "commits the entry to SQLite before it counts as received; Serf's events are neither signed, "
                         + "nor encrypted (no keyring here), nor persisted. Serf joins over TCP push-pull with its introducer; "
                         + "Grapevine joins over UDP, its first exchange a reconciliation session with its introducer.")
        out.notes.append("Join: the median of \(joinTrials) joins from fresh homes, Serf then Grapevine in turn. Both are timed "
                         + "from the processes' logs as they stream in: Serf's time is each agent's log showing `EventMemberJoin` "
                         + "for all \(nodes - 1) others; Grapevine's is each node's log (`--log-level info`) showing all "
                         + "\(nodes - 1) others alive (verified by its own ping), all at once. Both include starting the "
                         + "\(nodes - 1) joining processes one after another. The status.json row polls every node's file "
                         + "every 50 ms once the logs say so; it adds the file's delay after a change and the poll's.")
        out.notes.append("CPU is the mean per process over 10 s with both groups idle and running side by side; RSS from "
                         + "/proc/PID/status, PSS from /proc/PID/smaps_rollup (shared pages split among the processes that share them).")
        out.notes.append("Run under `nice` on \(ProcessInfo.processInfo.activeProcessorCount) cores shared with other work: load average (1, 5, 15 min) "
                         + "at the start \(load), at the end \(BenchSystem.loadAverages()).")
        return out
    }
}

/// N `serf agent` processes on loopback, the first alone and the others joining it, each with
/// an event handler that appends the time of each user event to a file of its own.
final class SerfCluster {
    let binary: String
    let size: Int
    let root: String
    let basePort: Int
    var agents: [Process] = []
    var logs: [SerfLog] = []

    static func binary() -> String? {
        ["/usr/bin/serf", "/usr/local/bin/serf"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init(binary: String, size: Int, trial: Int) throws {
        self.binary = binary
        self.size = size
        root = NSTemporaryDirectory() + "grapevine-bench-serf-\(getpid())-\(trial)"
        // Ports 30000–39999, away from the ephemeral range the Grapevine nodes take theirs from;
        // 100 a cluster, a new range for each trial so that none waits for the last one's sockets.
        basePort = 30000 + Int(getpid() % 30) * 300 + (trial % 3) * 100
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let handler = "#!/bin/bash\necho \"$EPOCHREALTIME $SERF_USER_EVENT\" >> \"$1\"\n"
        try handler.write(toFile: root + "/handler.sh", atomically: true, encoding: .utf8)
        chmod(root + "/handler.sh", 0o755)
    }

    var pids: [Int32] { agents.map(\.processIdentifier) }

    var version: String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "?" }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: "\n").first.map(String.init) ?? "?"
    }

    func bind(_ i: Int) -> String { "127.0.0.1:\(basePort + i)" }
    func rpc(_ i: Int) -> String { "127.0.0.1:\(basePort + 50 + i)" }
    func events(_ i: Int) -> String { root + "/events\(i).log" }

    func start(_ i: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["agent", "-node=s\(i)", "-bind=\(bind(i))", "-rpc-addr=\(rpc(i))", "-log-level=info",
                             "-event-handler=user=\(root)/handler.sh \(events(i))"]
            + (i == 0 ? [] : ["-join=\(bind(0))"])
        let log = SerfLog(name: "s\(i)")
        let pipe = Pipe()
        pipe.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        agents.append(process)
        logs.append(log)
    }

    /// Starts every agent, the first alone and the others joining it; the seconds until every
    /// agent has logged all the others joining.
    func startAll() throws -> Double {
        try start(0)
        guard LoopbackNetwork.waitUntil(timeout: 10, { self.logs[0].isRunning }) != nil else { throw BenchError("serf agent 0 did not start") }
        let begin = Date()
        for i in 1..<size { try start(i) }
        guard LoopbackNetwork.waitUntil(timeout: 60, { self.logs.allSatisfy { $0.joinedCount >= self.size - 1 } }) != nil else {
            throw BenchError("the \(size) serf agents did not all see each other within 60 s")
        }
        let last = logs.compactMap(\.allJoinedAt).max() ?? Date()
        return last.timeIntervalSince(begin)
    }

    /// Sends a user event from agent `sender`; the seconds from just before the command until the
    /// last other agent's handler ran, or nil after 30 s.
    func propagation(sender: Int, event: String) throws -> Double? {
        let begin = Date().timeIntervalSince1970
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["event", "-rpc-addr=\(rpc(sender))", "-coalesce=false", event]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("serf event failed at agent \(sender)") }
        let last = LoopbackNetwork.lastArrival(count: size, except: sender, timeout: 30) { self.handled($0, event: event) }
        return last.map { $0 - begin }
    }

    func handled(_ i: Int, event: String) -> Double? {
        guard let text = try? String(contentsOfFile: events(i), encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[1] == event { return Double(parts[0]) }
        }
        return nil
    }

    func stop() {
        for agent in agents where agent.isRunning { kill(agent.processIdentifier, SIGTERM) }
        for agent in agents { agent.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// One agent's log as it streams in: the members it logged joining, and when it had them all.
final class SerfLog: @unchecked Sendable {
    // @unchecked: every field is touched with `lock` held.
    private let lock = NSLock()
    private let name: String
    private var lines = StreamedLines()
    private var joined: Set<String> = []
    private var running = false
    private var completedAt: Date?
    static let expected = SerfBench.nodes - 1

    init(name: String) { self.name = name }

    func append(_ data: Data) {
        let now = Date()
        lock.withLock {
            for line in lines.append(data) {
                if line.contains("Serf agent running") { running = true }
                if let marker = line.range(of: "EventMemberJoin: ") {
                    let member = line[marker.upperBound...].split(separator: " ").first.map(String.init) ?? ""
                    if member != name { joined.insert(member) }
                    if joined.count >= Self.expected, completedAt == nil { completedAt = now }
                }
            }
        }
    }

    var isRunning: Bool { lock.withLock { running } }
    var joinedCount: Int { lock.withLock { joined.count } }
    var allJoinedAt: Date? { lock.withLock { completedAt } }
}

/// CPU, RSS and PSS of groups of processes, from /proc.
struct ProcessSample {
    var cpuPercent: Double
    var rssMB: Double
    var pssMB: Double

    /// The mean per process of each group over the same `seconds`.
    static func idle(_ groups: [[Int32]], seconds: Double) -> [ProcessSample] {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let before = groups.map { $0.map(LoopbackNetwork.cpuTicks) }
        Thread.sleep(forTimeInterval: seconds)
        return zip(groups, before).map { pids, before in
            let cpu = zip(before, pids.map(LoopbackNetwork.cpuTicks)).map { Double($1 - $0) / ticks / seconds * 100 }
            let count = Double(max(1, pids.count))
            return ProcessSample(cpuPercent: cpu.reduce(0, +) / count,
                                 rssMB: pids.map(LoopbackNetwork.residentMB).reduce(0, +) / count,
                                 pssMB: pids.map(proportionalMB).reduce(0, +) / count)
        }
    }

    /// Proportional set size in MB: resident pages, each shared page divided among its sharers.
    static func proportionalMB(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("Pss:") {
            return (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
        }
        return 0
    }
}
