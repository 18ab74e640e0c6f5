import Foundation
import GrapevineCore

/// Part of the liar scenario: valid signed endpoints at addresses no node may send to (PROTOCOL.md
/// §11.3), pushed at host 1 only, so that the others get them by gossip and reconciliation. The
/// limited broadcast, a multicast group, the unspecified address and loopback are ignored when
/// learned; the lab subnet's broadcast is not recognisable from the address, so every node pings
/// it and its kernel refuses (EACCES, broadcast being off), as it refuses an address it has no
/// route to (ENETUNREACH: lab hosts have no default route); port 0 is an invalid entry. Every node
/// must keep running as the same process, hold and forward the valid entries, and converge.
/// Everything here stays inside the lab's namespaces.
struct UnusableEndpointLies {
    let network: LabNetwork
    static let purpose: UInt8 = 0x7e

    /// The endpoints: each a label and its addresses (text `ip|port`).
    var cases: [(label: String, addresses: [String])] {
        [
            ("limited broadcast", ["255.255.255.255|\(LabNode.port)"]),
            ("lab subnet broadcast", ["\(Lab.subnet).255|\(LabNode.port)"]),
            ("multicast", ["224.0.0.251|5353", "ff02::1|\(LabNode.port)"]),
            ("unspecified", ["0.0.0.0|\(LabNode.port)"]),
            ("loopback", ["127.0.0.1|\(LabNode.port)"]),
            // An ordinary address no lab host has a route to: the kernel refuses it (ENETUNREACH).
            ("unroutable", ["203.0.113.1|\(LabNode.port)"]),
        ]
    }

    /// How many addresses of `cases` a node that does not listen on loopback ignores.
    static let ignoredPerNode = 5
    /// The errors the kernel refuses the others with: the subnet broadcast, the unroutable address.
    static let refusals = ["EACCES", "ENETUNREACH"]

    func run(honest: [LabNode], keyFile: String, into outcome: inout Scenario.Outcome) throws {
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        let valid = try cases.enumerated().map { n, c in
            try EntryFactory.endpoint(try c.addresses.map(Self.address), millis: now,
                                      signer: EntryFactory.key(n, purpose: Self.purpose))
        }
        let portZero = try EntryFactory.endpointAtPortZero(ip: Self.address("\(Lab.subnet).1|1").ip, millis: now, signer: EntryFactory.key(cases.count, purpose: Self.purpose))
        let file = network.file("unusable.entries")
        try EntryFactory.write(valid.map(\.encoded) + [portZero], to: file)
        let pids = honest.map { $0.process?.processIdentifier }
        let before = honest.map { $0.status()?.counters }
        let target = network.node(1)
        network.say("endpoints at \(cases.map(\.label).joined(separator: ", ")) and port 0, pushed at host 1")
        let pushed = try network.lab.run(host: LiarScenario.liarHost, network.binaries.faults, [
            "push", "--key", keyFile, "--entries", file, "--source", network.lab.address(LiarScenario.liarHost),
            "--to", "\(target.identity)@\(target.address)",
        ], timeout: 30)
        guard pushed.code == 0 else { throw HarnessError("pushing the unusable endpoints failed: \(pushed.stderr)") }

        let ids = valid.map(\.id.hex)
        let spread = try network.waitUntil(timeout: 20) { try network.missing(ids, among: honest).isEmpty }
        outcome.figures["liar.unusable_endpoints_spread_s"] = seconds(spread ?? 20)
        let missing = try network.missing(ids, among: honest).count
        outcome.check(spread != nil, "the endpoints at unusable addresses did not reach every host: they are valid and "
                      + "must be kept and forwarded (missing \(missing) of \(ids.count))")
        // Probe intervals enough for every node to have pinged the subnet broadcast.
        _ = network.waitUntil(timeout: 10) {
            honest.allSatisfy { node in Self.refusals.allSatisfy { (node.status()?.counters.sendFailed[$0] ?? 0) > 0 } }
        }
        var ignored = 0
        var refused = 0
        for (node, previous) in zip(honest, before) {
            guard let counters = node.status()?.counters else { continue }
            let ignoredHere = counters.addressesIgnored.values.reduce(0, +) - (previous?.addressesIgnored.values.reduce(0, +) ?? 0)
            let refusedHere = counters.sendFailed.values.reduce(0, +) - (previous?.sendFailed.values.reduce(0, +) ?? 0)
            ignored += ignoredHere
            refused += refusedHere
            outcome.check(ignoredHere >= Self.ignoredPerNode,
                          "host \(node.host) ignored \(ignoredHere) unusable addresses, not \(Self.ignoredPerNode)")
            for reason in Self.refusals {
                outcome.check(counters.sendFailed[reason, default: 0] > previous?.sendFailed[reason, default: 0] ?? 0,
                              "host \(node.host) counted no send refused with \(reason)")
            }
        }
        outcome.figures["liar.unusable_addresses_ignored"] = Double(ignored)
        outcome.figures["liar.unusable_sends_refused"] = Double(refused)
        let survived = zip(honest, pids).filter { node, pid in node.isRunning && node.process?.processIdentifier == pid }
        outcome.figures["liar.unusable_survivors"] = Double(survived.count)
        outcome.check(survived.count == honest.count, "a node stopped on an endpoint at an unusable address; last log lines:\n"
                      + honest.filter { !$0.isRunning }.map { String($0.log().suffix(1500)) }.joined(separator: "\n"))
        let invalid = (target.status()?.counters.entries["rejected:invalid-field"] ?? 0)
            - (before.first??.entries["rejected:invalid-field"] ?? 0)
        outcome.check(invalid >= 1, "host 1 did not reject the endpoint at port 0 as invalid-field")
        let converged = try network.waitUntil(timeout: 20) { try network.digestsEqual(honest) }
        outcome.check(converged != nil, "the hosts did not converge after the unusable endpoints: \(network.digests(honest))")
    }

    static func address(_ text: String) throws -> NodeAddress {
        let parts = text.split(separator: "|")
        guard parts.count == 2, let ip = IPText.parse(String(parts[0])), let port = UInt16(parts[1]) else {
            throw HarnessError("bad address \(text)")
        }
        return NodeAddress(ip: ip, port: port)
    }
}
