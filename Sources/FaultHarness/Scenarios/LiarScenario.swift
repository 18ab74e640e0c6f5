import Foundation
import GrapevineCore

/// A peer that lies: its signed endpoint claims host 2's address and a victim's address (host
/// 200 runs no node; it only counts what arrives), 50 Sybil identities sign endpoints at other
/// ports of the victim, it sends card entries in the names of hosts 1
/// and 3, and it writes far more entries of its own than the per-author bounds keep. None of it
/// may be accepted: no forged entry is stored, no more of its entries are kept than the bounds
/// allow, no host takes host 2's address for the liar's, and the victim receives no more than
/// one probe per host per probe interval. It claims 9000 made-up members alive, more than a member
/// table holds, after which a new node must still be able to join. Spoofing the victim's address,
/// it asks for entries: what reaches the victim must not exceed what the liar sent. It also slanders: host 3 dead just above its incarnation
/// and host 2 suspect at the greatest incarnation there is; every host must stay up and hold both
/// alive again. Then it pushes valid endpoints of other identities at addresses no node may send
/// to (`UnusableEndpointLies`): every host must survive them as the same process and converge.
struct LiarScenario {
    let network: LabNetwork
    static let liarHost = 100
    static let victimHost = 200
    static let lyingSeconds: TimeInterval = 12
    /// Per-author bounds (PROTOCOL.md §9): cards 32, unknown kinds 64, endpoint 1.
    static let cardBound = 32
    static let unknownBound = 64
    static let extraCards = 100
    static let extraUnknown = 200
    static let probeIntervalSeconds = 1.0
    static let sybils = 50
    static let fakeMembers = 9000

    func run() throws -> Scenario.Outcome {
        var outcome = Scenario.Outcome()
        let honest = Array(network.nodes.prefix(4))
        let newcomer = network.node(5)
        try network.startAll(count: 4)
        _ = try network.waitForMembership(honest, timeout: 30)
        try network.lab.countDatagrams(host: Self.victimHost)

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
        // Sybils: identities cost nothing, and each signs an endpoint at another port of the victim.
        for i in 0..<Self.sybils {
            guard let ip = IPText.parse(network.lab.address(Self.victimHost)) else { throw HarnessError("victim address") }
            let sybilAddress = NodeAddress(ip: ip, port: LabNode.port + 1 + UInt16(i))
            entries.append(try EntryFactory.endpoint([sybilAddress], millis: now, signer: EntryFactory.key(i, purpose: 0x5b)).encoded)
        }
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

        guard let incarnation3 = network.node(1).member(network.node(3).identity)?.incarnation else {
            throw HarnessError("host 1 does not know host 3")
        }
        let before = honest.map { $0.status()?.counters }
        let start = Date()
        network.say("the liar sends \(entries.count) entries to every host for \(Int(Self.lyingSeconds)) s")
        let output = try network.lab.run(host: Self.liarHost, network.binaries.faults, [
            "push", "--key", keyFile, "--entries", entriesFile, "--source", network.lab.address(Self.liarHost),
            "--rate", "400", "--repeat-seconds", "\(Int(Self.lyingSeconds))",
        ] + honest.flatMap { ["--to", "\($0.identity)@\($0.address)"] } + [
            // SWIM lies: host 3 dead a little above its incarnation (it must refute), and host 2
            // suspect at the greatest incarnation there is, which no refutation could outrank.
            "--claim", "dead:\(incarnation3 + 1000):\(network.node(3).identity)",
            "--claim", "suspect:\(UInt64.max):\(network.node(2).identity)",
            // More made-up members than a member table holds.
            "--fake-members", "\(Self.fakeMembers)",
        ], timeout: Self.lyingSeconds + 30)
        guard output.code == 0 else { throw HarnessError("the liar failed: \(output.stderr)") }
        Thread.sleep(forTimeInterval: 2)
        let elapsed = Date().timeIntervalSince(start)
        let victimDatagrams = try network.lab.traffic(host: Self.victimHost).packetsIn
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
        let crashed = honest.filter { !$0.isRunning }.map { "host \($0.host)" }
        outcome.check(crashed.isEmpty, "\(crashed.joined(separator: ", ")) stopped running; last log lines:\n"
                      + honest.filter { !$0.isRunning }.map { String($0.log().suffix(1500)) }.joined(separator: "\n"))
        let slandered = [network.node(2), network.node(3)]
        let recovered = network.waitUntil(timeout: 20) {
            honest.allSatisfy { node in slandered.allSatisfy { $0 === node || node.reaches($0) } }
        }
        outcome.figures["liar.slander_recovery_s"] = seconds(recovered ?? 20)
        let refuted = honest.allSatisfy { ($0.host == 3 ? nil : $0.member(network.node(3).identity))
            .map { $0.incarnation > incarnation3 + 1000 } ?? true }
        outcome.check(refuted, "host 3 did not refute the claim that it was dead (its incarnation did not rise past it)")
        outcome.check(recovered != nil, "hosts 2 and 3 were not alive at their addresses everywhere within 20 s of the lies: "
                      + honest.map { node in "h\(node.host) holds " + slandered.map { "h\($0.host) \(node.member($0.identity)?.state ?? "?")" }.joined(separator: ", ") }.joined(separator: "; "))
        // Reflection: the liar sends with the victim's address as its source and asks every host
        // for 32 entries (and pings). What reaches the victim must not exceed what the liar sent.
        let wanted = Array(try network.node(1).storedEntries().retained.sorted().prefix(32))
        try network.lab.countDatagrams(host: Self.liarHost)
        let victimBefore = try network.lab.traffic(host: Self.victimHost)
        try network.lab.spoof(host: Self.liarHost, as: network.lab.address(Self.victimHost))
        let spoofed = try network.lab.run(host: Self.liarHost, network.binaries.faults, [
            "push", "--key", keyFile, "--request", wanted.joined(separator: ","), "--source", network.lab.address(Self.liarHost),
            "--rate", "20", "--repeat-seconds", "5",
        ] + honest.flatMap { ["--to", "\($0.identity)@\($0.address)"] }, timeout: 40)
        guard spoofed.code == 0 else { throw HarnessError("the spoofing liar failed: \(spoofed.stderr)") }
        Thread.sleep(forTimeInterval: 2)
        let sent = try network.lab.traffic(host: Self.liarHost).bytesOut
        let reflected = try network.lab.traffic(host: Self.victimHost).bytesIn - victimBefore.bytesIn
        let ratio = Double(reflected) / Double(max(sent, 1))
        outcome.figures["liar.reflection_ratio"] = (ratio * 100).rounded() / 100
        network.say("spoofing the victim: the liar sent \(sent) bytes, the victim received \(reflected)")
        outcome.check(sent > 0 && ratio <= 1, "requests from a spoofed source were amplified \(ratio)× toward the victim")

        try UnusableEndpointLies(network: network).run(honest: honest, keyFile: keyFile, into: &outcome)

        // Someone new still gets in: the made-up members must not have taken its place.
        try newcomer.start(peers: [try network.node(1).invite()])
        let admitted = try? network.waitForMembership(network.nodes, timeout: 20)
        outcome.figures["liar.newcomer_join_s"] = seconds(admitted ?? 20)
        outcome.check(admitted != nil, "a new node could not join after the liar's made-up members: "
                      + honest.map { "h\($0.host) holds h5 \($0.member(newcomer.identity)?.state ?? "unknown")" }.joined(separator: "; "))
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
