import Foundation

/// Host 4's clock runs an hour ahead (an injected offset). Its card edits are quarantined by the
/// others, not lost, while it stays reachable; when the others' clocks reach its time (they are
/// restarted an hour ahead: controlled time) the edits merge and every store converges.
struct SkewScenario {
    let network: LabNetwork
    static let offsetMillis: Int64 = 3_600_000

    func run() throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        let skewed = network.node(4)
        let honest = Array(network.nodes.prefix(3))
        let ahead = ["--test-clock-offset-ms", "\(Self.offsetMillis)"]
        try network.startAll(extra: [4: ahead])
        let joined = try? network.waitForMembership(timeout: 30)
        outcome.check(joined != nil, "the skewed node did not become a live member of every host")

        var written: [String] = []
        for (i, field) in ["title", "org", "role"].enumerated() {
            // The CLI runs on the true clock, but the store's clock already stands an hour ahead
            // (the node's endpoint), so hybrid logical time stamps these edits an hour ahead too.
            written.append(try skewed.setCard(field, "an hour ahead, edit \(i)"))
        }
        let honestEdit = try network.node(1).setCard("title", "on time")
        network.say("host 4 wrote \(written.count) edits stamped an hour ahead")

        let quarantined = try network.waitUntil(timeout: 20) {
            try honest.allSatisfy { node in
                let snapshot = try node.storedEntries()
                return written.allSatisfy(snapshot.quarantined.contains)
            }
        }
        outcome.check(quarantined != nil, "the others did not quarantine the skewed edits within 20 s")
        let early = try honest.map { try $0.storedEntries() }
        let mergedEarly = early.map { snapshot in written.filter(snapshot.retained.contains).count }.reduce(0, +)
        outcome.check(mergedEarly == 0, "\(mergedEarly) future entries were merged before they were due")
        let unreachable = honest.filter { !$0.reaches(skewed) }.map { node in
            "host \(node.host) holds it \(node.member(skewed.identity).map { "\($0.state) at \($0.address ?? "no verified address")" } ?? "unknown")"
        }
        outcome.check(unreachable.isEmpty, "the skewed node is not reachable: \(unreachable.joined(separator: "; "))")
        let gotHonest = network.waitUntil(timeout: 20) {
            (try? skewed.storedEntries().retained.contains(honestEdit)) ?? false
        }
        outcome.check(gotHonest != nil, "the skewed node did not receive an on-time edit")

        // Time passes: the others' clocks move an hour ahead too.
        network.say("advancing the other hosts' clocks by an hour")
        for node in honest {
            node.stop()
            try node.start(extra: ahead)
        }
        let released = try network.waitUntil(timeout: 30) {
            try network.digestsEqual() && network.missing(written).isEmpty
        }
        let lost = try network.missing(written)
        outcome.figures["skew.lost_entries"] = Double(lost.count)
        outcome.figures["skew.release_s"] = seconds(released ?? 30)
        outcome.check(released != nil, "the skewed entries did not merge everywhere once due: \(network.digests())")
        outcome.check(lost.isEmpty, "\(lost.count) skewed entries lost")
        return outcome
    }
}
