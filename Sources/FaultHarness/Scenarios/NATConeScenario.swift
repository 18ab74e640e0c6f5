import Foundation

/// Homes behind NAT routers, with the defaults a user would use (`--listen 0.0.0.0:7474`, no
/// `--advertise`): two homes each behind its own endpoint-independent router and two behind one
/// shared router, and one or two public nodes. Every host must converge and hold every member
/// alive over a verified path, the homes must exchange datagrams directly (router counters),
/// and a killed home must be declared dead everywhere.
struct NATConeScenario {
    let publicHosts: Int
    let say: @Sendable (String) -> Void
    let binaries: Binaries
    static let cap: TimeInterval = 60

    var prefix: String { publicHosts == 2 ? "nat" : "nat.one_public" }

    func run() throws -> Scenario.Outcome {
        let topology = NATTopology(publicHosts: publicHosts)
        return try NATChecks.inLab(publicHosts == 2 ? "nat-cone" : "nat-cone-one", topology, binaries: binaries, say: say) {
            try run($0, topology)
        }
    }

    private func run(_ network: LabNetwork, _ topology: NATTopology) throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        let homes = topology.homes.map { network.node($0.host) }
        let start = Date()
        try NATChecks.startOnDefaults(network, topology)
        network.say("\(topology.publics.count) public node(s) and \(homes.count) homes started on their defaults")
        var written: [String] = []
        for node in network.nodes { written.append(try node.setCard("title", "Host \(node.host) at home")) }

        var directAt: TimeInterval?
        let converged = try network.waitUntil(timeout: Self.cap) {
            if directAt == nil, directPairs(homes) == 1 { directAt = Date().timeIntervalSince(start) }
            return try NATChecks.allAliveVerified(network.nodes) && network.digestsEqual() && network.missing(written).isEmpty
        }
        outcome.figures["\(prefix).converge_s"] = seconds(converged.map { _ in Date().timeIntervalSince(start) } ?? Self.cap)
        outcome.check(converged != nil, "no convergence with every member alive over a verified path within \(Int(Self.cap)) s: \(network.digests()); \(NATChecks.views(network.nodes))")
        if directAt == nil { _ = network.waitUntil(timeout: 5) { directPairs(homes) == 1 } }
        if directAt == nil, directPairs(homes) == 1 { directAt = Date().timeIntervalSince(start) }
        let direct = directPairs(homes)
        outcome.figures["\(prefix).direct_pairs"] = (direct * 100).rounded() / 100
        outcome.figures["\(prefix).time_to_direct_s"] = seconds(directAt ?? Self.cap)
        outcome.check(direct == 1, "only \(direct) of the home pairs hold each other alive over a verified path: \(NATChecks.views(homes))")

        for router in topology.routers {
            let counted = try network.lab.homeToHomeDatagrams(router: router)
            network.say("router \(router): \(counted.sent) datagrams to other homes' routers, \(counted.received) from them")
            outcome.check(counted.sent > 0 && counted.received > 0,
                          "router \(router) forwarded no home-to-home datagrams (sent \(counted.sent), received \(counted.received)): the homes did not talk directly")
        }
        for home in topology.homes {
            guard let wan = topology.wanAddress(of: home.host) else { continue }
            let identity = network.node(home.host).identity
            let seen = topology.publics.map { network.node($0.host).member(identity)?.address ?? "-" }
            outcome.check(seen.allSatisfy { $0 == wan }, "the public nodes see home \(home.host) at \(seen), not at its one WAN address \(wan)")
        }
        for node in network.nodes {
            network.say("host \(node.host): \(node.status()?.reachability?.line ?? "no reachability")")
        }
        outcome.check(reachabilityWrong(network, topology).isEmpty,
                      "reachability: \(reachabilityWrong(network, topology).joined(separator: "; "))")

        let victim = network.node(topology.ownRouters[1].host)
        NATChecks.killAndAwaitDead(victim, named: "home \(victim.host)", seenBy: network.nodes.filter { $0 !== victim },
                                   cap: Self.cap, figure: "\(prefix).dead_detect_s", network: network, into: &outcome)
        return outcome
    }

    /// Public nodes that do not say "public at" their address, confirmed, and homes that claim to
    /// be reachable unasked: a home router admits only answers, so no dial-back gets through.
    private func reachabilityWrong(_ network: LabNetwork, _ topology: NATTopology) -> [String] {
        network.nodes.compactMap { node in
            let reachability = node.status()?.reachability
            let line = reachability?.line ?? "no reachability"
            if let host = topology.publics.first(where: { $0.host == node.host }) {
                let expected = "public at \(host.address):7474"
                return reachability?.confirmed == true && line == expected ? nil : "public h\(node.host) says \"\(line)\", not \"\(expected)\""
            }
            return reachability?.confirmed == true || reachability?.nat == "public" ? "home h\(node.host) says \"\(line)\", confirmed" : nil
        }
    }

    /// The fraction of home pairs in which each holds the other alive over a verified path.
    private func directPairs(_ homes: [LabNode]) -> Double {
        var pairs = 0
        var direct = 0
        for (i, a) in homes.enumerated() {
            for b in homes[(i + 1)...] {
                pairs += 1
                if a.holdsVerified(b), b.holdsVerified(a) { direct += 1 }
            }
        }
        return pairs == 0 ? 0 : Double(direct) / Double(pairs)
    }
}
