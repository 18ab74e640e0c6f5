import FaultHarness
import Foundation
import TestKit
import Testing

/// `grapevine run` with no `--listen` on a host without IPv6: a lab host whose namespace has IPv6
/// turned off, where `[::]` does not resolve (root only; skipped with the reason otherwise).
@Suite(.serialized, .enabled(if: Lab.unavailableReason == nil, Comment(rawValue: Lab.unavailableReason ?? "")))
struct IPv4OnlyHostTests {
    @Test func aNodeWithNoListenAddressFallsBackToIPv4AndJoinsAPeer() throws {
        let network = try LabNetwork("ipv4-only", hosts: 2, binaries: Binaries(besides: GrapevineBinary.path)) { print($0) }
        defer { network.teardown(keepFiles: false) }
        try network.lab.disableIPv6(host: 1)
        let v4only = network.node(1)
        try v4only.start(extra: ["--advertise", v4only.address], defaultListen: true)
        #expect(v4only.status()?.listen == "0.0.0.0:\(LabNode.port)")
        #expect(v4only.log().contains("this host has no IPv6: listening on IPv4 only"), "\(v4only.log())")

        try network.node(2).start(peers: [try v4only.invite()])
        _ = try network.waitForMembership(timeout: 15)
        _ = try network.node(2).cliOK(["card", "set", "org", "Reached over IPv4"])
        let converged = try network.waitUntil(timeout: 10) { try network.digestsEqual() }
        #expect(converged != nil, "digests: \(network.digests())")
        #expect(v4only.isRunning)
    }
}
