import Foundation
import GrapevineCore

/// A peer that lies: its signed endpoint claims host 2's address and a victim's address (host
/// 200 runs no node; it only counts what arrives), it sends card entries in the names of hosts 1
/// and 3, and it writes far more entries of its own than the per-author bounds keep. None of it
/// may be accepted: no forged entry is stored, no more of its entries are kept than the bounds
/// allow, no host takes host 2's address for the liar's, and the victim receives no more than
/// one probe per host per probe interval.
struct LiarScenario {
    let network: LabNetwork
    static let liarHost = 100
    static let victimHost = 200
    static let seconds: TimeInterval = 12
    /// Per-author bounds (PROTOCOL.md §9): cards 32, unknown kinds 64, endpoint 1.
    static let cardBound = 32
    static let unknownBound = 64
    static let extraCards = 100
    static let extraUnknown = 200
    static let probeIntervalSeconds = 1.0

    func run() throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        let honest = network.nodes
        try network.startAll()
        _ = try network.waitForMembership(timeout: 30)
        try network.lab.countDatagrams(host: Self.victimHost, port: LabNode.port)

        let liar = EntryFactory.key(1, purpose: 0x1a)
        let liarID = PublicIdentity(liar)
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        let claimed = [network.node(2).address, "\(network.lab.address(Self.victimHost)):\(LabNode.port)"]
        let addresses = try claimed.map { text -> NodeAddress in
            let parts = text.split(separator: ":")
            guard parts.count == 2, let ip = IPText.parse(String(parts[0])), let port = UInt16(parts[1]) else {
                throw HarnessError("bad address \(text)")
            }
            return NodeAddress(ip: ip, port: port)
        }
        var entries: [[UInt8]] = [try EntryFactory.endpoint(addresses, millis: now, signer: liar).encoded]
        var forgedIDs: [String] = []
        for (n, victim) in [network.node(1), network.node(3)].enumerated() {
            let claimedAuthor = try PublicIdentity(parsing: victim.identity)
            for i in 0..<20 {
                let forged = try EntryFactory.forged(claiming: claimedAuthor, field: "x-forged-\(i)",
                                                     value: "written by the liar", millis: now + UInt64(n), signer: liar)
                forgedIDs.append(try ParsedEntry.parse(forged).id.hex)
                entries.append(forged)
            }
        }
        for i in 0..<Self.extraCards {
            entries.append(try SignedEntry.sign(.card(CardUpdate(field: "x-field-\(i)", values: [CardItem("flood \(i)")])),
                                                stamp: HLCStamp(millis: now, counter: UInt16(i)), with: liar).encoded)
        }
        for i in 0..<Self.extraUnknown {
            entries.append(try EntryFactory.unknownKind(77, key: "key-\(i)", payload: "opaque \(i)", millis: now + UInt64(i),
                                                        signer: liar).encoded)
        }
        let entriesFile = network.file("liar.entries")
        try EntryFactory.write(entries, to: entriesFile)
        let keyFile = network.file("liar.key")
        try KeyFile.write(seed: liar.seed, to: keyFile)

        let before = honest.map { $0.status()?.counters }
        let start = Date()
        network.say("the liar sends \(entries.count) entries to every host for \(Int(Self.seconds)) s")
        let output = try network.lab.run(host: Self.liarHost, network.binaries.faults, [
            "push", "--key", keyFile, "--entries", entriesFile, "--source", network.lab.address(Self.liarHost),
            "--rate", "100", "--repeat-seconds", "\(Int(Self.seconds))",
        ] + honest.flatMap { ["--to", "\($0.identity)@\($0.address)"] }, timeout: Self.seconds + 30)
        guard output.code == 0 else { throw HarnessError("the liar failed: \(output.stderr)") }
        Thread.sleep(forTimeInterval: 2)
        let elapsed = Date().timeIntervalSince(start)
        let victimDatagrams = try network.lab.countedDatagrams(host: Self.victimHost)
        let bound = Int(Double(honest.count) * (elapsed / Self.probeIntervalSeconds + 1))

        var accepted = 0
        var falseAddresses = 0
        var mostCards = 0
        var mostUnknown = 0
        for node in honest {
            let snapshot = try node.storedEntries()
            accepted += forgedIDs.filter(snapshot.all.contains).count
            let cards = snapshot.retainedByAuthorKind["\(Hex.encode(liarID.bytes))/1"] ?? 0
            let unknown = snapshot.retainedByAuthorKind["\(Hex.encode(liarID.bytes))/77"] ?? 0
            accepted += max(0, cards - Self.cardBound) + max(0, unknown - Self.unknownBound)
            mostCards = max(mostCards, cards)
            mostUnknown = max(mostUnknown, unknown)
            if let member = node.status()?.members.first(where: { $0.id == liarID.text }),
               let address = member.address, address == network.node(2).address {
                falseAddresses += 1
            }
        }
        var rejected = 0
        var misaddressed = 0
        for (node, previous) in zip(honest, before) {
            guard let counters = node.status()?.counters else { continue }
            rejected += counters.entries.filter { $0.key.hasPrefix("rejected:") }
                .map { $0.value - (previous?.entries[$0.key] ?? 0) }.reduce(0, +)
            if node.host == 2 { misaddressed = (counters.drops["forged"] ?? 0) - (previous?.drops["forged"] ?? 0) }
        }
        outcome.figures["liar.accepted_bad_entries"] = Double(accepted)
        outcome.figures["liar.victim_datagrams"] = Double(victimDatagrams)
        outcome.figures["liar.victim_bound"] = Double(bound)
        outcome.figures["liar.false_addresses_verified"] = Double(falseAddresses)
        outcome.figures["liar.rejected_entries"] = Double(rejected)
        outcome.figures["liar.retained_cards_max"] = Double(mostCards)
        outcome.figures["liar.retained_unknown_max"] = Double(mostUnknown)
        outcome.figures["liar.misaddressed_at_host2"] = Double(misaddressed)
        outcome.check(accepted == 0, "\(accepted) of the liar's bad entries were accepted")
        outcome.check(falseAddresses == 0, "\(falseAddresses) hosts took host 2's address for the liar's")
        outcome.check(victimDatagrams <= bound, "the victim received \(victimDatagrams) datagrams, more than the bound \(bound)")
        outcome.check(rejected >= forgedIDs.count, "only \(rejected) rejected entries were counted")
        return outcome
    }
}
