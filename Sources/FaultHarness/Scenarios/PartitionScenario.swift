import Foundation

/// {1,2} | {3,4,5} for 30 s while every host edits its card, then the partition heals: equal
/// digests within 20 s, and every acknowledged edit on every host.
struct PartitionScenario {
    let network: LabNetwork
    static let partitionSeconds: TimeInterval = 30
    static let healLimit: TimeInterval = 20
    static let sides = [[1, 2], [3, 4, 5]]

    func run() throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        try network.startAll()
        _ = try network.waitForMembership(timeout: 30)
        guard try network.waitUntil(timeout: 30, { try network.digestsEqual() }) != nil else {
            throw HarnessError("no convergence before the partition: \(network.digests())")
        }
        try network.lab.partition(Self.sides)
        let start = Date()
        network.say("partitioned \(Self.sides) for \(Int(Self.partitionSeconds)) s; edits on both sides")
        var acknowledged: [String] = []
        for (round, field) in ["title", "org", "role"].enumerated() {
            let due = start.addingTimeInterval(2 + Double(round) * 10)
            Thread.sleep(until: due)
            for node in network.nodes {
                acknowledged.append(try node.setCard(field, "h\(node.host) edit \(round)"))
            }
        }
        Thread.sleep(until: start.addingTimeInterval(Self.partitionSeconds))
        let left = network.nodes.filter { Self.sides[0].contains($0.host) }
        let right = network.nodes.filter { Self.sides[1].contains($0.host) }
        let diverged = try left[0].inspect().digest != right[0].inspect().digest
        outcome.check(diverged, "the two sides held the same digest during the partition: it was not one")
        let views = left.map { node in right.map { node.memberState($0.identity) ?? "unknown" } }
        network.say("at heal, hosts 1–2 hold hosts 3–5 as \(Set(views.joined()).sorted())")

        try network.lab.heal()
        let healed = try network.waitUntil(timeout: 60) {
            try network.digestsEqual() && network.missing(acknowledged).isEmpty
        }
        let lost = try network.missing(acknowledged)
        outcome.figures["partition.heal_s"] = seconds(healed ?? 60)
        outcome.figures["partition.lost_writes"] = Double(lost.count)
        outcome.figures["partition.acknowledged_writes"] = Double(acknowledged.count)
        outcome.check(healed != nil, "no convergence within 60 s of healing: \(network.digests())")
        outcome.check((healed ?? .infinity) <= Self.healLimit,
                      "healing took \(seconds(healed ?? 60)) s, more than \(Int(Self.healLimit)) s")
        outcome.check(lost.isEmpty, "\(lost.count) acknowledged edits missing on some host")
        return outcome
    }
}

extension Thread {
    static func sleep(until date: Date) {
        let wait = date.timeIntervalSinceNow
        if wait > 0 { sleep(forTimeInterval: wait) }
    }
}
