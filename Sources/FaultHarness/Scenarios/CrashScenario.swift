import Foundation
import GrapevineCore

/// A peer pushes 10,000 entries at a node, which is killed with SIGKILL halfway through and
/// restarted: the store passes `PRAGMA integrity_check`, every entry the node acknowledged (its
/// merge log is written after each commit) is present, and the node rejoins.
struct CrashScenario {
    let network: LabNetwork
    static let entryCount = 10_000
    static let killAfter = 3_000
    static let pusherHost = 100

    func run() throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        let victim = network.node(3)
        try network.startAll()
        _ = try network.waitForMembership(timeout: 30)

        let hourAgo = UInt64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        let entries = try EntryFactory.cards(count: Self.entryCount, purpose: 0xc1, millis: hourAgo)
        let entriesFile = network.file("bulk.entries")
        try EntryFactory.write(entries.map(\.encoded), to: entriesFile)
        let keyFile = network.file("pusher.key")
        try KeyFile.write(seed: EntryFactory.key(1, purpose: 0xc2).seed, to: keyFile)
        let pusher = try network.lab.spawn(host: Self.pusherHost, network.binaries.faults, [
            "push", "--key", keyFile, "--entries", entriesFile, "--to", "\(victim.identity)@\(victim.address)",
            "--source", network.lab.address(Self.pusherHost), "--rate", "150",
        ], log: network.file("pusher.log"))
        network.say("pushing \(Self.entryCount) entries at host 3; SIGKILL after \(Self.killAfter) are merged")
        let reached = network.waitUntil(timeout: 60) { victim.mergedIDs().count >= Self.killAfter }
        victim.crash()
        kill(pusher.processIdentifier, SIGKILL)
        pusher.waitUntilExit()
        guard reached != nil else {
            throw HarnessError("host 3 merged only \(victim.mergedIDs().count) entries in 60 s; its log:\n\(victim.log().suffix(2000))")
        }

        let acknowledged = Set(victim.mergedIDs())
        outcome.check(acknowledged.count < Self.entryCount, "the node finished ingesting before it was killed")
        let integrity = try StoreSnapshot.integrityCheck(path: GrapevineHome(path: victim.home).storePath)
        outcome.check(integrity == "ok", "integrity_check after SIGKILL: \(integrity)")
        let held = try victim.storedEntries().all
        let lost = acknowledged.subtracting(held)
        outcome.figures["crash.acknowledged_at_kill"] = Double(acknowledged.count)
        outcome.figures["crash.lost_acknowledged"] = Double(lost.count)
        outcome.check(lost.isEmpty, "\(lost.count) acknowledged entries are missing after the crash")
        network.say("killed at \(acknowledged.count) acknowledged entries; integrity_check: \(integrity)")

        // Rejoin: no --peer; the node finds its peers in peers.json, and an edit made after the
        // restart reaches both of them.
        let restart = Date()
        try victim.start()
        let edit = try victim.setCard("title", "back after a crash")
        let others = [network.node(1), network.node(2)]
        let rejoined = try network.waitUntil(timeout: 30) {
            try others.allSatisfy { try $0.storedEntries().retained.contains(edit) && $0.reaches(victim) }
        }
        outcome.figures["crash.rejoin_s"] = seconds(rejoined.map { _ in Date().timeIntervalSince(restart) } ?? 30)
        outcome.check(rejoined != nil, "the restarted node did not rejoin within 30 s")
        // The entries only host 3 acknowledged reach the others through reconciliation.
        let caughtUp = try network.waitUntil(timeout: 120) { try network.digestsEqual() }
        outcome.figures["crash.converge_s"] = seconds(caughtUp.map { _ in Date().timeIntervalSince(restart) } ?? 120)
        outcome.check(caughtUp != nil, "the three stores did not converge within 120 s of the restart: \(network.digests())")
        return outcome
    }
}
