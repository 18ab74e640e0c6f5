import Foundation

/// What the NAT scenarios share: their lab, how they start, what they check and print about who
/// holds whom.
enum NATChecks {
    /// One-way latency injected at the homes, so a badly timed punch fails as on a real network.
    static let latencyMillis = 20

    /// Builds the lab of `topology` with a node on every host listening on the wildcard a user
    /// would use, runs `body`, and tears the lab down, keeping the homes and logs on failure.
    static func inLab(_ name: String, _ topology: NATTopology, binaries: Binaries, say: @escaping @Sendable (String) -> Void,
                      _ body: (LabNetwork) throws -> Scenario.Outcome) throws -> Scenario.Outcome {
        let lab = try topology.build()
        let network = try LabNetwork(name, lab: lab, hosts: topology.hosts, listen: "0.0.0.0:7474", binaries: binaries, say: say)
        var outcome = Scenario.Outcome()
        do {
            outcome = try body(network)
        } catch {
            outcome.failures.append("\(error)")
        }
        if !outcome.passed { say("failed; node homes and logs kept in \(network.root)") }
        network.teardown(keepFiles: !outcome.passed)
        return outcome
    }

    /// Starts the first node, then every other through its invite, on their defaults (the lab's
    /// LANs treated as private; the homes with injected latency).
    static func startOnDefaults(_ network: LabNetwork, _ topology: NATTopology) throws {
        let common = ["--test-private-prefix", "198.19.0.0/16"]
        let homeExtra = common + ["--test-receive-delay-ms", "\(latencyMillis)"]
        let first = network.nodes[0]
        try first.start(extra: common)
        let invite = try first.invite()
        for node in network.nodes.dropFirst() {
            let isHome = topology.homes.contains { $0.host == node.host }
            try node.start(peers: [invite], extra: isHome ? homeExtra : common)
        }
    }

    /// Kills `victim` with SIGKILL and waits up to `cap` for every node of `others` to hold it
    /// dead; records how long that took as `figure`, and checks that none of `others` exited.
    static func killAndAwaitDead(_ victim: LabNode, named name: String, seenBy others: [LabNode], cap: TimeInterval,
                                 figure: String, network: LabNetwork, into outcome: inout Scenario.Outcome) {
        let killed = Date()
        victim.crash()
        let dead = network.waitUntil(timeout: cap) {
            others.allSatisfy { $0.memberState(victim.identity) == "dead" }
        }
        outcome.figures[figure] = seconds(dead.map { _ in Date().timeIntervalSince(killed) } ?? cap)
        outcome.check(dead != nil, "\(name) killed with SIGKILL is not dead on every host within \(Int(cap)) s: \(others.map { "h\($0.host)=\($0.memberState(victim.identity) ?? "unknown")" })")
        let exited = others.filter { !$0.isRunning }.map(\.host)
        outcome.check(exited.isEmpty, "nodes exited: \(exited)")
    }

    /// Whether every node holds every other alive over a verified path.
    static func allAliveVerified(_ nodes: [LabNode]) -> Bool {
        nodes.allSatisfy { node in nodes.allSatisfy { other in other === node || node.holdsVerified(other) } }
    }

    /// `h1: h2=alive@ADDR/direct …; h2: …`: each node's view of the others, for a failure message.
    static func views(_ nodes: [LabNode]) -> String {
        nodes.map { node in
            "h\(node.host): " + nodes.filter { $0 !== node }.map { other in
                let m = node.member(other.identity)
                return "h\(other.host)=\(m?.state ?? "unknown")@\(m?.address ?? "-")/\(m?.path ?? "-")"
            }.joined(separator: " ")
        }.joined(separator: "; ")
    }
}
