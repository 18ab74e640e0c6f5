import Foundation

/// While the network works, host 1 receives 100,000 garbage datagrams and 10,000 validly sealed
/// ones carrying forged entries or replaying earlier datagrams, at a fixed rate. It stays up, its
/// drops are counted by reason, kernel receive-buffer drops are counted apart, and honest edits
/// spread at most twice as slowly as without the flood.
struct FloodScenario {
    let network: LabNetwork
    static let floodHost = 100
    static let garbage = 100_000
    static let forged = 5_000
    static let replayed = 5_000
    static let rate = 5_000
    static let rounds = 4
    static let slowdownLimit = 2.0

    func run() throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        let victim = network.node(1)
        let sources = (0..<4).map { network.lab.address(Self.floodHost + $0) }
        for source in sources.dropFirst() { try network.lab.addAddress(source, to: Self.floodHost) }
        try network.startAll()
        _ = try network.waitForMembership(timeout: 30)
        guard try network.waitUntil(timeout: 30, { try network.digestsEqual() }) != nil else {
            throw HarnessError("no convergence before the flood: \(network.digests())")
        }

        let baseline = try spreadTimes(label: "unflooded")
        guard let pid = victim.status()?.pid, let before = victim.status()?.counters else {
            throw HarnessError("host 1 wrote no status")
        }
        let kernelBefore = try network.lab.udpCounters(host: 1)
        network.say("flooding host 1: \(Self.garbage) garbage, \(Self.forged) forged, \(Self.replayed) replayed at \(Self.rate)/s")
        let flooder = try network.lab.spawn(host: Self.floodHost, network.binaries.faults, [
            "flood", "--to", "\(victim.identity)@\(victim.address)", "--sources", sources.joined(separator: ","),
            "--garbage", "\(Self.garbage)", "--forged", "\(Self.forged)", "--replayed", "\(Self.replayed)",
            "--rate", "\(Self.rate)",
        ], log: network.file("flooder.log"))
        Thread.sleep(forTimeInterval: 1)
        let flooded = try spreadTimes(label: "flooded")
        let floodStillRunning = flooder.isRunning
        let deadline = Date().addingTimeInterval(60)
        while flooder.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        outcome.check(!flooder.isRunning && flooder.terminationStatus == 0, "the flooder did not finish cleanly")
        outcome.check(floodStillRunning, "the flood ended before the flooded measurement did")
        Thread.sleep(forTimeInterval: 1.5)

        guard let after = victim.status(), victim.isRunning, after.pid == pid else {
            throw HarnessError("host 1 did not survive the flood; its log:\n\(victim.log().suffix(2000))")
        }
        let kernelAfter = try network.lab.udpCounters(host: 1)
        let rcvbuf = (kernelAfter["RcvbufErrors"] ?? 0) - (kernelBefore["RcvbufErrors"] ?? 0)
        let arrived = (kernelAfter["InDatagrams"] ?? 0) - (kernelBefore["InDatagrams"] ?? 0)
        var drops = 0
        for (reason, count) in after.counters.drops.sorted(by: { $0.key < $1.key }) {
            let delta = count - (before.drops[reason] ?? 0)
            guard delta > 0 else { continue }
            drops += delta
            outcome.figures["flood.dropped.\(reason)"] = Double(delta)
        }
        let rejected = after.counters.entries.filter { $0.key.hasPrefix("rejected:") }
            .map { $0.value - (before.entries[$0.key] ?? 0) }.reduce(0, +)
        let baselineMean = baseline.reduce(0, +) / Double(baseline.count)
        let floodedMean = flooded.reduce(0, +) / Double(flooded.count)
        let ratio = floodedMean / max(baselineMean, 0.001)
        outcome.figures["flood.baseline_spread_s"] = seconds(baselineMean)
        outcome.figures["flood.flooded_spread_s"] = seconds(floodedMean)
        outcome.figures["flood.slowdown_ratio"] = (ratio * 100).rounded() / 100
        outcome.figures["flood.kernel_rcvbuf_drops"] = Double(rcvbuf)
        outcome.figures["flood.kernel_delivered"] = Double(arrived)
        outcome.figures["flood.rejected_entries"] = Double(rejected)
        network.say("kernel delivered \(arrived) datagrams, dropped \(rcvbuf) for a full buffer; the node dropped \(drops) and rejected \(rejected) entries")
        outcome.check(ratio <= Self.slowdownLimit, "honest edits spread \(ratio)× slower under the flood (limit 2×)")
        outcome.check(drops > 0 && rejected > 0, "the flood's drops or rejected entries were not counted")
        return outcome
    }

    /// Each round every host edits its card; a round's time is from an edit's acknowledgement
    /// to the last host merging it (merge logs), the slowest edit of the round counting.
    private func spreadTimes(label: String) throws -> [Double] {
        var times: [Double] = []
        for round in 0..<Self.rounds {
            var edits: [(id: String, author: Int, acked: UInt64)] = []
            for node in network.nodes {
                let id = try node.setCard("note", "\(label) round \(round) from host \(node.host)")
                edits.append((id, node.host, UInt64(Date().timeIntervalSince1970 * 1000)))
            }
            var worst: Double?
            _ = network.waitUntil(timeout: 30) {
                let logs = network.nodes.map { $0.mergeTimes() }
                var slowest = 0.0
                for edit in edits {
                    for (i, log) in logs.enumerated() where i + 1 != edit.author {
                        guard let merged = log[edit.id] else { return false }
                        slowest = max(slowest, Double(Int64(merged) - Int64(edit.acked)) / 1000)
                    }
                }
                worst = slowest
                return true
            }
            guard let worst else { throw HarnessError("\(label) round \(round): edits did not reach every host in 30 s") }
            times.append(max(worst, 0))
        }
        network.say("\(label): spread times \(times.map { Scenario.format(seconds($0)) }) s")
        return times
    }
}
