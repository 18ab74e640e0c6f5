import Foundation
import TestKit

/// Test hosts on one machine: one network namespace per host, each joined by a veth pair to a
/// bridge that lives in a namespace of its own. Faults are nftables rules in the bridge's
/// namespace, so they act on every datagram between two hosts and on nothing else.
///
/// Hosts take addresses from 198.18.0.0/24, part of the range RFC 2544 sets aside for network
/// tests; it exists only inside the lab's namespaces. The NAT lab (`Lab+NAT.swift`) also puts
/// public hosts on other /24s of 198.18.0.0/16 and homes behind router namespaces on LANs in
/// 198.19.0.0/16. Tearing down kills every process started in
/// a host and deletes every namespace (the veth pairs go with them). It runs from `deinit` too,
/// and a lab left behind by a killed run is removed by the next one.
public final class Lab: @unchecked Sendable {
    // @unchecked: one scenario drives one lab from one task.
    public static let subnet = "198.18.0"
    static let namePrefix = "gvf"
    nonisolated(unsafe) private static var labCount = 0
    private static let countLock = NSLock()

    public let name: String
    let ip: String
    let nft: String
    private(set) var namespaces: [String] = []
    private var processes: [Process] = []
    private var lossPercent = 0
    private var groups: [[Int]] = []
    private var tornDown = false
    /// Addresses of hosts placed by `addPublicHost` or `addRouter`; others are 198.18.0.HOST.
    var placed: [Int: String] = [:]
    /// The home routers, whose nftables rules name each other's WAN addresses.
    var routers: [NATRouter] = []

    /// Why this machine cannot build a lab, or nil when it can: labs need root, `ip` and `nft`.
    public static let unavailableReason: String? = {
        guard geteuid() == 0 else {
            return "the fault harness needs root for network namespaces and nftables (run as root, as CI does)"
        }
        guard Command.find("ip") != nil else { return "`ip` (iproute2) is not installed: run `make deps`" }
        guard Command.find("nft") != nil else { return "`nft` (nftables) is not installed: run `make deps`" }
        return nil
    }()

    /// The namespace a host lives in.
    public func namespace(_ host: Int) -> String { "\(name)-h\(host)" }
    /// A host's address; host numbers run from 1 to 254.
    public func address(_ host: Int) -> String { placed[host] ?? "\(Self.subnet).\(host)" }
    var bridgeNamespace: String { "\(name)-net" }

    /// Builds the bridge namespace and one namespace per host number given.
    public init(hosts: [Int]) throws {
        guard Self.unavailableReason == nil, let ip = Command.find("ip"), let nft = Command.find("nft") else {
            throw HarnessError(Self.unavailableReason ?? "lab unavailable")
        }
        self.ip = ip
        self.nft = nft
        let serial = Self.countLock.withLock {
            Self.labCount += 1
            return Self.labCount
        }
        name = "\(Self.namePrefix)\(getpid())x\(serial)"
        Self.removeStaleLabs(ip: ip)
        do {
            try addNamespace(bridgeNamespace)
            try Command.ok(ip, ["-n", bridgeNamespace, "link", "add", "br0", "type", "bridge"])
            try Command.ok(ip, ["-n", bridgeNamespace, "link", "set", "br0", "up"])
            for host in hosts { try addHost(host) }
            try applyRules()
        } catch {
            teardown()
            throw error
        }
    }

    deinit { teardown() }

    func addNamespace(_ namespace: String) throws {
        try Command.ok(ip, ["netns", "add", namespace])
        namespaces.append(namespace)
        try Command.ok(ip, ["-n", namespace, "link", "set", "lo", "up"])
    }

    private func addHost(_ host: Int) throws {
        precondition((1...254).contains(host), "host numbers run from 1 to 254")
        let namespace = namespace(host)
        try addNamespace(namespace)
        let port = "h\(host)"
        try Command.ok(ip, ["link", "add", "eth0", "netns", namespace, "type", "veth", "peer", "name", port,
                            "netns", bridgeNamespace])
        try Command.ok(ip, ["-n", bridgeNamespace, "link", "set", port, "master", "br0"])
        try Command.ok(ip, ["-n", bridgeNamespace, "link", "set", port, "up"])
        try Command.ok(ip, ["-n", namespace, "addr", "add", address(host) + "/24", "dev", "eth0"])
        try Command.ok(ip, ["-n", namespace, "link", "set", "eth0", "up"])
    }

    /// Adds another address to a host (a flooder sending from several sources).
    public func addAddress(_ address: String, to host: Int) throws {
        try Command.ok(ip, ["-n", namespace(host), "addr", "add", address + "/24", "dev", "eth0"])
    }

    /// Turns IPv6 off inside a host, as on a machine without it: no IPv6 address is left, so the
    /// C library no longer resolves `::` while the host has an IPv4 address.
    public func disableIPv6(host: Int) throws {
        guard let sysctl = Command.find("sysctl") else { throw HarnessError("`sysctl` (procps) is not installed") }
        try Command.ok(ip, ["netns", "exec", namespace(host), sysctl, "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                            "net.ipv6.conf.default.disable_ipv6=1", "net.ipv6.conf.lo.disable_ipv6=1",
                            "net.ipv6.conf.eth0.disable_ipv6=1"])
    }

    // MARK: Faults

    /// Drops this percentage of the UDP datagrams between any two hosts, each independently.
    public func setLoss(percent: Int) throws {
        lossPercent = percent
        try applyRules()
    }

    /// Drops every datagram between hosts of different groups until `heal()`.
    public func partition(_ groups: [[Int]]) throws {
        self.groups = groups
        try applyRules()
    }

    public func heal() throws {
        groups = []
        try applyRules()
    }

    /// Replaces the lab's nftables table in one transaction: loss first, then partitions.
    private func applyRules() throws {
        var rules: [String] = []
        if lossPercent > 0 {
            rules.append("meta l4proto udp numgen random mod 100 < \(lossPercent) counter name lost drop")
        }
        for (i, a) in groups.enumerated() {
            for (j, b) in groups.enumerated() where i != j {
                let from = a.map(address).joined(separator: ", ")
                let to = b.map(address).joined(separator: ", ")
                rules.append("ip saddr { \(from) } ip daddr { \(to) } drop")
            }
        }
        let ruleset = """
            table bridge gvfault
            delete table bridge gvfault
            table bridge gvfault {
              counter lost {}
              chain forward {
                type filter hook forward priority 0; policy accept;
                \(rules.joined(separator: "\n    "))
              }
            }

            """
        try nftables(bridgeNamespace, ruleset)
    }

    /// Loads a ruleset into a namespace with `nft -f`.
    func nftables(_ namespace: String, _ ruleset: String) throws {
        let file = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString.prefix(8)).nft"
        try ruleset.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Command.ok(ip, ["netns", "exec", namespace, nft, "-f", file])
    }

    /// Counts the UDP datagrams (and bytes) that reach a host and leave it, on any port, whether
    /// or not anything listens.
    public func countDatagrams(host: Int) throws {
        try nftables(namespace(host), """
            table inet gvcount {
              counter arrivals {}
              counter departures {}
              chain input {
                type filter hook input priority -10; policy accept;
                meta l4proto udp counter name arrivals
              }
              chain output {
                type filter hook output priority -10; policy accept;
                meta l4proto udp counter name departures
              }
            }

            """)
    }

    /// Datagrams and bytes counted since `countDatagrams`.
    public struct Traffic: Sendable {
        public var packetsIn = 0
        public var bytesIn = 0
        public var packetsOut = 0
        public var bytesOut = 0
    }

    public func traffic(host: Int) throws -> Traffic {
        let arrivals = try counter(namespace(host), "inet", "gvcount", "arrivals")
        let departures = try counter(namespace(host), "inet", "gvcount", "departures")
        return Traffic(packetsIn: arrivals.packets, bytesIn: arrivals.bytes,
                       packetsOut: departures.packets, bytesOut: departures.bytes)
    }

    /// The datagrams the loss rule has dropped since it was set.
    public func lostDatagrams() throws -> Int {
        try counter(bridgeNamespace, "bridge", "gvfault", "lost").packets
    }

    /// Rewrites the source address of everything a host sends, as a spoofing attacker would.
    public func spoof(host: Int, as address: String) throws {
        try nftables(namespace(host), """
            table ip gvspoof {
              chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                snat to \(address)
              }
            }

            """)
    }

    func counter(_ namespace: String, _ family: String, _ table: String, _ name: String) throws
        -> (packets: Int, bytes: Int)
    {
        let text = try Command.ok(ip, ["netns", "exec", namespace, nft, "list", "counter", family, table, name])
        func number(after label: String) -> Int? {
            text.range(of: label).flatMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) }
        }
        guard let packets = number(after: "packets "), let bytes = number(after: "bytes ") else {
            throw HarnessError("cannot read nftables counter \(name): \(text)")
        }
        return (packets, bytes)
    }

    /// A host's kernel UDP counters (`/proc/net/snmp` inside its namespace), such as `RcvbufErrors`.
    public func udpCounters(host: Int) throws -> [String: Int] {
        let text = try Command.ok(ip, ["netns", "exec", namespace(host), "cat", "/proc/net/snmp"])
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("Udp:") }
        guard lines.count >= 2 else { throw HarnessError("no Udp lines in /proc/net/snmp") }
        let names = lines[0].split(separator: " ").dropFirst()
        let values = lines[1].split(separator: " ").dropFirst()
        var counters: [String: Int] = [:]
        for (name, value) in zip(names, values) { counters[String(name)] = Int(value) }
        return counters
    }

    // MARK: Processes

    /// Starts a program inside a host's namespace; it is killed at teardown if still running.
    public func spawn(host: Int, _ executable: String, _ arguments: [String], log: String) throws -> Process {
        // `ip netns exec` execs the program, so the process id is the program's own.
        let process = try ProcessRunner.start(ip, ["netns", "exec", namespace(host), executable] + arguments, log: log)
        processes.append(process)
        return process
    }

    /// Runs a program inside a host's namespace to completion.
    @discardableResult
    public func run(host: Int, _ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws -> ProcessOutput {
        try Command.run(ip, ["netns", "exec", namespace(host), executable] + arguments, timeout: timeout)
    }

    // MARK: Teardown

    /// Kills every process started here and deletes every namespace; safe to call twice.
    public func teardown() {
        guard !tornDown else { return }
        tornDown = true
        ProcessRunner.killAll(processes)
        for namespace in namespaces.reversed() { Self.deleteNamespace(namespace, ip: ip) }
        namespaces = []
    }

    /// Kills whatever still runs in a namespace, then deletes it.
    static func deleteNamespace(_ namespace: String, ip: String) {
        if let pids = try? Command.run(ip, ["netns", "pids", namespace], timeout: 10).stdout {
            for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        }
        _ = try? Command.run(ip, ["netns", "delete", namespace], timeout: 10)
    }

    /// Deletes the namespaces of labs whose process no longer exists (a run killed mid-scenario).
    static func removeStaleLabs(ip: String) {
        guard let list = try? Command.run(ip, ["netns", "list"], timeout: 10).stdout else { return }
        for line in list.split(separator: "\n") {
            guard let name = line.split(separator: " ").first, name.hasPrefix(namePrefix) else { continue }
            let digits = name.dropFirst(namePrefix.count).prefix { $0.isNumber }
            guard let pid = Int32(digits), pid != getpid(), kill(pid, 0) != 0 else { continue }
            deleteNamespace(String(name), ip: ip)
        }
    }
}
