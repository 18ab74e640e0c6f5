import Foundation

/// The nat-cone lab plus one home behind a symmetric router (`masquerade random`: a new WAN port
/// for every flow), every node on its defaults. Nobody can punch to that home; it takes part
/// through two home relays (PROTOCOL.md §11.9). Every host must converge with the home alive
/// (over a relayed path at every other home), the relays must forward within their limits, a
/// killed relay must not make any host declare the home dead (it is alive through the other
/// relay within 30 s), and the killed home must be dead everywhere within 60 s.
struct NATSymmetricScenario {
    let say: @Sendable (String) -> Void
    let binaries: Binaries
    static let cap: TimeInterval = 60
    static let failoverCap: TimeInterval = 30

    func run() throws -> Scenario.Outcome {
        let topology = NATTopology(publicHosts: 2, symmetricHome: true)
        return try NATChecks.inLab("nat-symmetric", topology, binaries: binaries, say: say) { try run($0, topology) }
    }

    private func run(_ network: LabNetwork, _ topology: NATTopology) throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        guard let symmetricHost = topology.symmetric?.host else { return outcome }
        let home = network.node(symmetricHost)
        let coneHomes = topology.homes.filter { $0.host != symmetricHost }.map { network.node($0.host) }
        let start = Date()
        try NATChecks.startOnDefaults(network, topology)
        network.say("2 public nodes, \(coneHomes.count) homes behind cone NATs and one behind a symmetric NAT started on their defaults")
        var written: [String] = []
        for node in network.nodes { written.append(try node.setCard("title", "Host \(node.host) at home")) }

        let converged = try network.waitUntil(timeout: Self.cap) {
            try NATChecks.allAliveVerified(network.nodes) && coneHomes.allSatisfy { $0.member(home.identity)?.path == "relayed" }
                && network.digestsEqual() && network.missing(written).isEmpty
        }
        outcome.figures["nat.symmetric.converge_s"] = seconds(converged.map { _ in Date().timeIntervalSince(start) } ?? Self.cap)
        outcome.check(converged != nil, "no convergence with every member alive and the symmetric home relayed at every other home within \(Int(Self.cap)) s: \(network.digests()); \(NATChecks.views(network.nodes))")
        let reachability = home.status()?.reachability
        network.say("symmetric home: \(reachability?.line(relays: home.status()?.relay?.homeRelays.map(\.fingerprint) ?? []) ?? "no reachability")")
        outcome.check(reachability?.nat == "symmetric", "the home behind masquerade random is classified \(reachability?.nat ?? "nothing"), not symmetric")
        // The second relay may come a little after convergence: a public node relays once a
        // ping has reached it unasked (§11.7), and the home reserves at it then (§11.9.5).
        let remaining = max(1, Self.cap - Date().timeIntervalSince(start))
        _ = network.waitUntil(timeout: remaining) { (home.status()?.relay?.homeRelays.count ?? 0) == 2 }
        let homeRelays = home.status()?.relay?.homeRelays.map(\.id) ?? []
        outcome.check(homeRelays.count == 2, "the symmetric home holds \(homeRelays.count) home relays, not 2, \(Int(Self.cap)) s after the start")

        let relays = topology.publics.map { network.node($0.host) }
        var fastest = 0.0
        for relay in relays {
            guard let status = relay.status(), let state = status.relay else {
                outcome.failures.append("public host \(relay.host) reports no relay state")
                continue
            }
            let elapsed = max(1, Double(status.writtenMillis &- status.startedMillis) / 1000)
            let rate = Double(state.bytesForwarded) / elapsed
            fastest = max(fastest, rate)
            network.say("relay h\(relay.host): \(state.circuits) circuits, \(state.reservations) reservations, \(state.framesForwarded) frames, \(state.bytesForwarded) B in \(Int(elapsed)) s, drops \(state.drops)")
            outcome.check(state.relaying, "public host \(relay.host) does not relay")
            outcome.check(rate <= Double(state.bounds.totalBytesPerSecond),
                          "relay h\(relay.host) forwarded \(Int(rate)) B/s, over its \(state.bounds.totalBytesPerSecond) B/s")
            let perCircuit = Double(state.bounds.circuitBytesPerSecond * 2 * max(1, state.circuits))
            outcome.check(rate <= perCircuit,
                          "relay h\(relay.host) forwarded \(Int(rate)) B/s over \(state.circuits) circuits, over their \(Int(perCircuit)) B/s")
        }
        outcome.figures["nat.relay_bytes_per_s"] = (fastest * 10).rounded() / 10

        // One of the home's relays dies: nobody may declare the home dead, and it must be alive
        // through the other relay within 30 s.
        guard let killed = relays.first(where: { homeRelays.contains($0.identity) }) else {
            outcome.failures.append("no public node is a home relay of the symmetric home")
            return outcome
        }
        let killedIP = killed.address.split(separator: ":").first.map(String.init) ?? ""
        killed.crash()
        let killedAt = Date()
        let living = network.nodes.filter { $0 !== killed && $0 !== home }
        var declaredDead: Set<Int> = []
        var failover: TimeInterval?
        while Date().timeIntervalSince(killedAt) < Self.failoverCap {
            for node in living where node.memberState(home.identity) == "dead" { declaredDead.insert(node.host) }
            if failover == nil, living.allSatisfy({ throughOther($0, home, avoiding: killedIP) }) {
                failover = Date().timeIntervalSince(killedAt)
                network.say("the symmetric home is alive through the other relay at every host after \(seconds(failover ?? 0)) s")
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
        outcome.figures["nat.relay_failover_s"] = seconds(failover ?? Self.failoverCap)
        outcome.check(declaredDead.isEmpty, "after SIGKILL of relay h\(killed.host), hosts \(declaredDead.sorted()) declared the symmetric home dead")
        outcome.check(failover != nil, "the symmetric home is not alive through the other relay at every host within \(Int(Self.failoverCap)) s of SIGKILL of relay h\(killed.host): \(NATChecks.views(living + [home]))")

        NATChecks.killAndAwaitDead(home, named: "the symmetric home", seenBy: living, cap: Self.cap,
                                   figure: "nat.relayed_dead_detect_s", network: network, into: &outcome)
        return outcome
    }

    /// Whether `node` holds `home` alive over a path that does not go through the relay at `ip`.
    private func throughOther(_ node: LabNode, _ home: LabNode, avoiding ip: String) -> Bool {
        guard let member = node.member(home.identity), member.state == "alive", let address = member.address else { return false }
        return !address.hasPrefix(ip + ":")
    }
}
