import Foundation
import TestKit

/// A lab with a `grapevine` node on each of hosts 1…n, and the helpers every scenario uses:
/// bootstrap through the first node's invite, wait for membership, wait for convergence.
public final class LabNetwork: Polling, @unchecked Sendable {
    // @unchecked: one scenario drives one network from one task.
    public let lab: Lab
    public let nodes: [LabNode]
    public let root: String
    public let binaries: Binaries
    let say: @Sendable (String) -> Void

    /// - Parameters:
    ///   - extraHosts: host numbers (above `hosts`) with no node: attackers and victims.
    public init(_ scenario: String, hosts: Int, extraHosts: [Int] = [], binaries: Binaries,
                say: @escaping @Sendable (String) -> Void) throws {
        self.binaries = binaries
        self.say = say
        let root = try TemporaryDirectory.create("grapevine-faults-\(scenario)", removedAtExit: false)
        let lab = try Lab(hosts: Array(1...hosts) + extraHosts)
        self.root = root
        self.lab = lab
        nodes = try (1...hosts).map { try LabNode(lab: lab, host: $0, root: root, binaries: binaries) }
    }

    /// Nodes on the given hosts of a lab already built (the NAT lab), each listening on
    /// `listen` (for example the wildcard a user would use).
    public init(_ scenario: String, lab: Lab, hosts: [Int], listen: String?, binaries: Binaries,
                say: @escaping @Sendable (String) -> Void) throws {
        self.binaries = binaries
        self.say = say
        let root = try TemporaryDirectory.create("grapevine-faults-\(scenario)", removedAtExit: false)
        self.root = root
        self.lab = lab
        nodes = try hosts.map { try LabNode(lab: lab, host: $0, root: root, binaries: binaries, listen: listen) }
    }

    /// Stops every node and removes the lab; the homes stay for a post-mortem unless all went well.
    public func teardown(keepFiles: Bool) {
        for node in nodes where node.isRunning { node.crash() }
        lab.teardown()
        if !keepFiles { try? FileManager.default.removeItem(atPath: root) }
    }

    public func node(_ host: Int) -> LabNode { nodes.first { $0.host == host } ?? nodes[host - 1] }

    /// Starts node 1, then every other node (or the first `count`) with node 1's invite.
    public func startAll(count: Int? = nil, extra: [Int: [String]] = [:]) throws {
        try nodes[0].start(extra: extra[1] ?? [])
        let invite = try nodes[0].invite()
        for node in nodes.prefix(count ?? nodes.count).dropFirst() {
            try node.start(peers: [invite], extra: extra[node.host] ?? [])
        }
    }

    /// Waits until each of `among` holds every other one of them alive at its own address.
    public func waitForMembership(_ among: [LabNode]? = nil, timeout: TimeInterval) throws -> TimeInterval {
        let group = among ?? nodes
        let took = waitUntil(timeout: timeout) {
            group.allSatisfy { node in
                group.allSatisfy { other in other === node || node.reaches(other) }
            }
        }
        guard let took else {
            let views = group.map { node in
                "host \(node.host): " + group.filter { $0 !== node }.map { "h\($0.host)=\(node.member($0.identity).map { "\($0.state)@\($0.address ?? "unverified")" } ?? "unknown")" }
                    .joined(separator: " ")
            }
            throw HarnessError("membership did not form within \(timeout) s: \(views.joined(separator: "; "))")
        }
        return took
    }

    /// Whether the stores of `among` hold the same set (by `inspect`, read from the files).
    public func digestsEqual(_ among: [LabNode]? = nil) throws -> Bool {
        let digests = try (among ?? nodes).map { try $0.inspect().digest }
        return Set(digests).count == 1
    }

    public func digests(_ among: [LabNode]? = nil) -> String {
        (among ?? nodes).map { "h\($0.host)=\((try? $0.inspect().digest.prefix(8)).map(String.init) ?? "?")" }
            .joined(separator: " ")
    }

    /// The ids among `ids` that some node's store (of `among`) does not retain.
    public func missing(_ ids: [String], among: [LabNode]? = nil) throws -> Set<String> {
        var missing = Set<String>()
        for node in among ?? nodes {
            let held = try node.storedEntries().retained
            missing.formUnion(ids.filter { !held.contains($0) })
        }
        return missing
    }

    /// A fresh file in this network's directory.
    public func file(_ name: String) -> String { root + "/" + name }
}
