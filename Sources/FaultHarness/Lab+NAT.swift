import Foundation

/// How a home router maps and filters: the NAT behaviours of RFC 4787 that the lab builds.
public enum NATBehaviour: Sendable, Equatable {
    /// Endpoint-independent mapping (every destination sees the home at its WAN address and
    /// its own port, kept in an nftables dynamic map), address-and-port-dependent filtering.
    case endpointIndependent
    /// Several homes behind one router, each given a fixed WAN port for its port 7474 (an
    /// snat map and the inverse dnat map): plain masquerade would give the second home a
    /// fresh port toward some destinations, and a map keyed by the internal port collides.
    case fixedPorts
    /// A new WAN port for every flow (`masquerade random`): endpoint-dependent mapping.
    case symmetric
}

/// One home behind a router: its host number and LAN address (198.19.0.0/16).
public struct NATHome: Sendable {
    public let host: Int
    public let address: String
    /// The WAN port a `fixedPorts` router gives the home's port 7474.
    public let wanPort: UInt16

    public init(host: Int, address: String, wanPort: UInt16 = 7474) {
        self.host = host
        self.address = address
        self.wanPort = wanPort
    }

    /// The router's own address on the home's LAN: the same /24, host 1.
    var gateway: String { address.split(separator: ".").prefix(3).joined(separator: ".") + ".1" }
}

/// A home router of the lab: a namespace with `wan0` on the internet bridge and one LAN per home.
struct NATRouter {
    let number: Int
    let wan: String
    let homes: [NATHome]
    let behaviour: NATBehaviour
    let udpTimeoutSeconds: Int?
}

extension Lab {
    /// The internet of the NAT lab: every /24 of 198.18.0.0/16 is on the bridge.
    static let internet = "198.18.0.0/16"

    func routerNamespace(_ router: Int) -> String { "\(name)-r\(router)" }

    /// Adds a host on the internet bridge at `address` (a /24 of 198.18.0.0/16), with every
    /// other internet /24 reachable on the same link.
    public func addPublicHost(_ host: Int, address: String) throws {
        precondition(address.hasPrefix("198.18."), "public hosts live in 198.18.0.0/16")
        let namespace = namespace(host)
        try addNamespace(namespace)
        try plugIntoBridge(namespace, device: "eth0", port: "h\(host)", address: address)
        placed[host] = address
    }

    /// Adds a home router with WAN address `wan` and the homes behind it, each in a namespace of
    /// its own on a LAN of its own, routed through the router. `udpTimeoutSeconds` sets the
    /// router's conntrack UDP timeouts and its mapping timeout (nil: the kernel's defaults).
    public func addRouter(_ router: Int, wan: String, homes: [NATHome], behaviour: NATBehaviour,
                          udpTimeoutSeconds: Int? = nil) throws {
        let routerNamespace = routerNamespace(router)
        try addNamespace(routerNamespace)
        try plugIntoBridge(routerNamespace, device: "wan0", port: "r\(router)", address: wan)
        try Command.ok(ip, ["netns", "exec", routerNamespace, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])
        for (i, home) in homes.enumerated() {
            precondition(home.address.hasPrefix("198.19."), "home LANs live in 198.19.0.0/16")
            let homeNamespace = namespace(home.host)
            try addNamespace(homeNamespace)
            let lan = "lan\(i + 1)"
            try Command.ok(ip, ["link", "add", lan, "netns", routerNamespace, "type", "veth", "peer", "name", "eth0",
                                "netns", homeNamespace])
            try Command.ok(ip, ["-n", routerNamespace, "addr", "add", home.gateway + "/24", "dev", lan])
            try Command.ok(ip, ["-n", routerNamespace, "link", "set", lan, "up"])
            try Command.ok(ip, ["-n", homeNamespace, "addr", "add", home.address + "/24", "dev", "eth0"])
            try Command.ok(ip, ["-n", homeNamespace, "link", "set", "eth0", "up"])
            try Command.ok(ip, ["-n", homeNamespace, "route", "add", "default", "via", home.gateway])
            placed[home.host] = home.address
        }
        routers.append(NATRouter(number: router, wan: wan, homes: homes, behaviour: behaviour,
                                 udpTimeoutSeconds: udpTimeoutSeconds))
        for each in routers { try applyRouterRules(each) }
        // Set after the rules: their `ct state` loads conntrack, whose sysctls exist only then.
        if let seconds = udpTimeoutSeconds {
            for key in ["nf_conntrack_udp_timeout", "nf_conntrack_udp_timeout_stream"] {
                try Command.ok(ip, ["netns", "exec", routerNamespace, "sysctl", "-q", "-w",
                                    "net.netfilter.\(key)=\(seconds)"])
            }
        }
    }

    /// A veth pair from `namespace` to the bridge, with `address`/24 and the rest of the internet on-link.
    func plugIntoBridge(_ namespace: String, device: String, port: String, address: String) throws {
        try Command.ok(ip, ["link", "add", device, "netns", namespace, "type", "veth", "peer", "name", port,
                            "netns", bridgeNamespace])
        try Command.ok(ip, ["-n", bridgeNamespace, "link", "set", port, "master", "br0"])
        try Command.ok(ip, ["-n", bridgeNamespace, "link", "set", port, "up"])
        try Command.ok(ip, ["-n", namespace, "addr", "add", address + "/24", "dev", device])
        try Command.ok(ip, ["-n", namespace, "link", "set", device, "up"])
        try Command.ok(ip, ["-n", namespace, "route", "add", Self.internet, "dev", device])
    }

    /// The router's nftables: its mapping, the `ct state` filter (also toward the router itself:
    /// an unasked datagram it accepted would hold a conntrack entry that makes the mapping of a
    /// later flow to the same peer collide, and the router drop it), and counters of the datagrams
    /// it forwards between its homes and other routers' WAN addresses (a direct home-to-home path).
    private func applyRouterRules(_ router: NATRouter) throws {
        let lanSubnets = router.homes.map { $0.gateway.dropLast(1) + "0/24" }.joined(separator: ", ")
        let otherRouters = routers.filter { $0.number != router.number }.map(\.wan)
        let timeout = router.udpTimeoutSeconds.map { "\($0)s" } ?? "180s"
        var maps = ""
        var pre = ""
        var post = ""
        var mapUpdate = ""
        switch router.behaviour {
        case .endpointIndependent:
            // Updated by every outgoing datagram (the nat chains see only a flow's first one), so
            // an idle mapping times out with conntrack's flows.
            maps = """
                  map out {
                    type ipv4_addr . inet_service : ipv4_addr . inet_service
                    flags dynamic, timeout
                    timeout \(timeout)
                  }
                """
            mapUpdate = "iifname != \"wan0\" oifname \"wan0\" meta l4proto udp update @out { ip saddr . udp sport timeout \(timeout) : \(router.wan) . udp sport }"
            post = "oifname \"wan0\" meta l4proto udp snat ip to ip saddr . udp sport map @out"
        case .fixedPorts:
            let out = router.homes.map { "\($0.address) . 7474 : \(router.wan) . \($0.wanPort)" }.joined(separator: ", ")
            let inbound = router.homes.map { "\($0.wanPort) : \($0.address) . 7474" }.joined(separator: ", ")
            let ports = router.homes.map { "\($0.wanPort)" }.joined(separator: ", ")
            maps = """
                  map out {
                    type ipv4_addr . inet_service : ipv4_addr . inet_service
                    elements = { \(out) }
                  }
                  map in {
                    type inet_service : ipv4_addr . inet_service
                    elements = { \(inbound) }
                  }
                """
            pre = "iifname \"wan0\" udp dport { \(ports) } dnat ip to udp dport map @in"
            post = "oifname \"wan0\" ip saddr . udp sport { \(router.homes.map { "\($0.address) . 7474" }.joined(separator: ", ")) } snat ip to ip saddr . udp sport map @out"
        case .symmetric:
            post = "oifname \"wan0\" ip saddr { \(lanSubnets) } masquerade random"
        }
        // Only datagrams the filter lets through count: a punch probe the far router drops does not.
        let others = otherRouters.joined(separator: ", ")
        let peers = otherRouters.isEmpty ? "" : """
            oifname "wan0" ip daddr { \(others) } counter name to_homes
                ct state established,related iifname "wan0" ip saddr { \(others) } counter name from_homes accept
            """
        try nftables(routerNamespace(router.number), """
            table ip gvnat
            delete table ip gvnat
            table ip gvnat {
            \(maps)
              counter from_homes {}
              counter to_homes {}
              chain pre {
                type nat hook prerouting priority dstnat; policy accept;
                \(pre)
              }
              chain post {
                type nat hook postrouting priority srcnat; policy accept;
                \(post)
              }
              chain input_f {
                type filter hook input priority filter; policy accept;
                iifname "wan0" ct state new drop
              }
              chain forward_f {
                type filter hook forward priority filter; policy drop;
                \(mapUpdate)
                \(peers)
                ct state established,related accept
                iifname != "wan0" accept
              }
            }

            """)
    }

    /// Datagrams a router forwarded from and to other routers' WAN addresses: home-to-home
    /// traffic that took a direct path, not a detour through a public node.
    public func homeToHomeDatagrams(router: Int) throws -> (received: Int, sent: Int) {
        let namespace = routerNamespace(router)
        let received = try counter(namespace, "ip", "gvnat", "from_homes").packets
        let sent = try counter(namespace, "ip", "gvnat", "to_homes").packets
        return (received, sent)
    }
}
