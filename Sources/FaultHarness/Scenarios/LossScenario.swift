import Foundation

/// Five hosts, 30% of the datagrams between any two of them dropped and 20 ms of one-way latency
/// (injected by the nodes: this kernel has no netem): the stores still reach the same digest. The clock runs from the first card edit, so it includes the edits themselves.
struct LossScenario {
    let network: LabNetwork
    static let lossPercent = 30
    static let timeout: TimeInterval = 120
    static let latencyMillis = 20

    func run() throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        try network.lab.setLoss(percent: Self.lossPercent)
        let latency = ["--test-receive-delay-ms", "\(Self.latencyMillis)"]
        try network.startAll(extra: Dictionary(uniqueKeysWithValues: network.nodes.map { ($0.host, latency) }))
        network.say("5 nodes started behind \(Self.lossPercent)% loss and \(Self.latencyMillis) ms latency; every host edits its card")
        var written: [String] = []
        let start = Date()
        for node in network.nodes {
            written.append(try node.setCard("title", "Engineer at host \(node.host)"))
            written.append(try node.setCard("org", "Org \(node.host)"))
        }
        let converged = try network.waitUntil(timeout: Self.timeout) {
            try network.digestsEqual() && network.missing(written).isEmpty
        }
        outcome.check(converged != nil, "no convergence within \(Self.timeout) s: \(network.digests())")
        outcome.figures["loss30.converge_s"] = seconds(converged.map { _ in Date().timeIntervalSince(start) } ?? Self.timeout)
        let arrived = network.nodes.compactMap { $0.status()?.counters.datagramsIn }.reduce(0, +)
        let lost = try network.lab.lostDatagrams()
        outcome.figures["loss30.lost_datagrams"] = Double(lost)
        network.say("the bridge dropped \(lost) datagrams; \(arrived) reached the nodes")
        outcome.check(lost > 0, "the loss rule dropped nothing: there was no loss to survive")
        return outcome
    }
}
