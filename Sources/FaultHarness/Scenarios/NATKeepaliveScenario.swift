import Foundation

/// The NAT lab with routers whose UDP conntrack and mapping timeouts are 15 s, and nodes whose
/// probe and reconciliation intervals are 60 s, so nothing but keepalives holds a mapping open.
/// After 2 idle minutes a public node's card edit must reach every home within 5 s with
/// keepalives, and must not without them: the scenario runs both cases. Without keepalives a
/// home still opens a mapping now and then (its own probe, reconciliation or refutation, once a
/// minute or so, each open for 15 s), so one edit may find every home open by chance: the public
/// node edits five times, 20 s apart (longer than the routers keep a flow that delivered the
/// previous one), and each edit must reach every home with keepalives, and some edit must miss
/// a home without.
struct NATKeepaliveScenario {
    let say: @Sendable (String) -> Void
    let binaries: Binaries
    static let routerTimeoutSeconds = 15
    static let intervalMillis = 60_000
    static let idle: TimeInterval = 120
    static let deliveryCap: TimeInterval = 5
    static let joinCap: TimeInterval = 240
    static let edits = 5
    static let editSpacing: TimeInterval = 20

    func run() throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        let with = try runCase(keepalive: true, into: &outcome)
        let without = try runCase(keepalive: false, into: &outcome)
        outcome.figures["nat.keepalive_ok"] = with.all && !without.all ? 1 : 0
        outcome.check(with.all, "with keepalives \(with.reached) of \(Self.edits) edits reached every home within \(Int(Self.deliveryCap)) s")
        outcome.check(!without.all, "without keepalives all \(Self.edits) edits still reached every home within \(Int(Self.deliveryCap)) s: the lab's mappings did not time out")
        return outcome
    }

    /// One case; how many edits reached every home within the cap, and whether all did.
    private func runCase(keepalive: Bool, into outcome: inout Scenario.Outcome) throws -> (reached: Int, all: Bool) {
        let topology = NATTopology()
        let lab = try topology.build(udpTimeoutSeconds: Self.routerTimeoutSeconds)
        let name = keepalive ? "nat-keepalive" : "nat-no-keepalive"
        let network = try LabNetwork(name, lab: lab, hosts: topology.hosts, listen: "0.0.0.0:7474", binaries: binaries, say: say)
        var result = (reached: 0, all: false)
        var failed = false
        do {
            result = try run(network, topology, keepalive: keepalive, figures: &outcome.figures)
        } catch {
            outcome.failures.append("\(name): \(error)")
            failed = true
        }
        if failed { say("\(name) failed; node homes and logs kept in \(network.root)") }
        network.teardown(keepFiles: failed)
        return result
    }

    private func run(_ network: LabNetwork, _ topology: NATTopology, keepalive: Bool,
                     figures: inout [String: Double]) throws -> (reached: Int, all: Bool) {
        var extra = ["--test-private-prefix", "198.19.0.0/16", "--probe-interval-ms", "\(Self.intervalMillis)",
                     "--reconcile-interval-ms", "\(Self.intervalMillis)"]
        if !keepalive { extra += ["--keepalive-ms", "0"] }
        let first = network.nodes[0]
        try first.start(extra: extra)
        let invite = try first.invite()
        for node in network.nodes.dropFirst() { try node.start(peers: [invite], extra: extra) }
        let homes = topology.homes.map { network.node($0.host) }
        let joined = network.waitUntil(timeout: Self.joinCap) {
            homes.allSatisfy { home in first.holdsVerified(home) && home.holdsVerified(first) }
        }
        guard joined != nil else {
            throw HarnessError("the public node and the homes did not verify each other within \(Int(Self.joinCap)) s")
        }
        network.say("\(keepalive ? "with" : "without") keepalives: joined; idle for \(Int(Self.idle)) s")
        Thread.sleep(forTimeInterval: Self.idle)
        var everyHome = 0
        var slowest: TimeInterval = 0
        for n in 1...Self.edits {
            if n > 1 { Thread.sleep(forTimeInterval: Self.editSpacing) }
            let edit = try first.setCard("title", "edit \(n) after \(Int(Self.idle)) idle seconds")
            let delivered = try network.waitUntil(timeout: Self.deliveryCap) {
                try homes.allSatisfy { try $0.storedEntries().retained.contains(edit) }
            }
            let reached = try homes.filter { try $0.storedEntries().retained.contains(edit) }.count
            network.say("\(keepalive ? "with" : "without") keepalives: edit \(n) reached \(reached) of \(homes.count) homes within \(Int(Self.deliveryCap)) s")
            if let delivered {
                everyHome += 1
                slowest = max(slowest, delivered)
            }
        }
        if keepalive {
            figures["nat.keepalive.delivery_s"] = seconds(everyHome == Self.edits ? slowest : Self.deliveryCap)
        } else {
            figures["nat.keepalive.edits_reaching_every_home_without"] = Double(everyHome)
        }
        return (everyHome, everyHome == Self.edits)
    }
}
