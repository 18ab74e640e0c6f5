import GossipEngine
import GrapevineCore
@testable import Node
import Testing

/// The one line `status` prints about how others reach this node (PROTOCOL.md §11.7), and the
/// addresses a wildcard listener publishes (§5.4).
@Suite struct ReachabilityLineTests {
    func line(_ kind: Reachability.Kind, observed: PeerAddress? = PeerAddress(ip: [198, 18, 0, 23], port: 7474),
              confirmed: Bool = true) -> String {
        NodeStatus.Reachability(Reachability(kind: kind, observed: observed, observers: 2, confirmed: confirmed,
                                             direct: 3, members: 5)).line
    }

    @Test("status names the reachability as the issue lists it")
    func lines() {
        #expect(line(.public, observed: PeerAddress(ip: [198, 18, 0, 1], port: 7474)) == "public at 198.18.0.1:7474")
        #expect(line(.endpointIndependent) == "behind NAT (endpoint-independent): direct to 3 of 5 peers")
        #expect(line(.symmetric) == "behind NAT (symmetric): only public peers can reach this node")
        #expect(line(.none, observed: nil).hasPrefix("no peer has answered yet: "))
        #expect(line(.public, confirmed: false).contains("not confirmed yet"), "public needs a ping that came unasked")
    }

    @Test("a wildcard listener publishes its interface addresses, public first, and loopback only when alone")
    func wildcardAddresses() throws {
        let lab = try #require(IPPrefix(ip: [198, 19, 0, 0], length: 16))
        let network = LocalNetwork(extraPrivate: [lab])
        let loopback = try #require(IPPrefix(ip: [127, 0, 0, 1], length: 8))
        let home = try #require(IPPrefix(ip: [198, 19, 1, 3], length: 24))
        let wan = try #require(IPPrefix(ip: [198, 18, 0, 1], length: 24))
        let v6 = try #require(IPPrefix(ip: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [7], length: 64))
        let published = LocalInterfaces.advertised([loopback, home, v6, wan], network: network, port: 7474,
                                                   includeIPv6: true, limit: 7)
        #expect(published.map(\.ip) == [wan.ip, v6.ip, home.ip])
        #expect(published.allSatisfy { $0.origin == .interface })
        let ipv4Only = LocalInterfaces.advertised([loopback, home, v6], network: network, port: 7474, includeIPv6: false, limit: 7)
        #expect(ipv4Only.map(\.ip) == [home.ip])
        let alone = LocalInterfaces.advertised([loopback], network: network, port: 7474, includeIPv6: true, limit: 7)
        #expect(alone.map(\.ip) == [loopback.ip])
    }
}

@Suite struct RelayedReachabilityLineTests {
    @Test("a symmetric node with home relays says it is relayed via them, named with their fingerprints")
    func relayedLine() {
        let symmetric = NodeStatus.Reachability(Reachability(kind: .symmetric, observed: nil, observers: 2, confirmed: false,
                                                             direct: 3, members: 5))
        #expect(symmetric.line(relays: ["alice (abcd-efgh)", "ijkl-mnop"])
            == "behind NAT (symmetric): relayed via alice (abcd-efgh), ijkl-mnop")
        #expect(symmetric.line == "behind NAT (symmetric): only public peers can reach this node", "no home relay yet")
    }
}
