import Foundation

/// The homes-and-routers lab of the NAT scenarios: public hosts on two internet /24s, two homes
/// each behind its own endpoint-independent router, two homes behind one shared router with a
/// fixed WAN port each, and optionally one home behind a symmetric router (`masquerade random`).
public struct NATTopology: Sendable {
    public struct Public: Sendable {
        public let host: Int
        public let address: String
    }

    public let publics: [Public]
    /// The homes behind their own routers (router number = home's host number).
    public let ownRouters: [NATHome]
    /// The shared router and the two homes behind it.
    public let sharedRouter = 5
    public let sharedWAN = "198.18.0.25"
    public let shared = [NATHome(host: 5, address: "198.19.3.5", wanPort: 7474),
                         NATHome(host: 6, address: "198.19.4.6", wanPort: 7475)]
    /// WAN addresses of the routers of `ownRouters`, by router number.
    public let ownWAN = [3: "198.18.0.23", 4: "198.18.1.24"]
    /// The home behind a symmetric router (router number = its host number), if the lab has one.
    public let symmetric: NATHome?
    public let symmetricWAN = "198.18.0.27"

    /// - Parameters:
    ///   - publicHosts: 2 (one in each internet /24), or 1 (the smallest real network).
    ///   - symmetricHome: add host 7 behind a router that maps every flow to a new port.
    public init(publicHosts: Int = 2, symmetricHome: Bool = false) {
        symmetric = symmetricHome ? NATHome(host: 7, address: "198.19.5.7") : nil
        let all = [Public(host: 1, address: "198.18.0.1"), Public(host: 2, address: "198.18.1.2")]
        publics = Array(all.prefix(publicHosts))
        ownRouters = [NATHome(host: 3, address: "198.19.1.3"), NATHome(host: 4, address: "198.19.2.4")]
    }

    /// Every home, the symmetric one last.
    public var homes: [NATHome] { ownRouters + shared + (symmetric.map { [$0] } ?? []) }
    public var hosts: [Int] { publics.map(\.host) + homes.map(\.host) }
    /// Every router number.
    public var routers: [Int] { ownRouters.map(\.host) + [sharedRouter] + (symmetric.map { [$0.host] } ?? []) }

    /// The WAN address and port at which the internet sees a home's port 7474.
    public func wanAddress(of home: Int) -> String? {
        if let wan = ownWAN[home] { return "\(wan):7474" }
        return shared.first { $0.host == home }.map { "\(sharedWAN):\($0.wanPort)" }
    }

    /// Builds the lab: every namespace, link, route and router rule. `udpTimeoutSeconds` shortens
    /// the routers' conntrack and mapping timeouts.
    public func build(udpTimeoutSeconds: Int? = nil) throws -> Lab {
        let lab = try Lab(hosts: [])
        do {
            for host in publics { try lab.addPublicHost(host.host, address: host.address) }
            for home in ownRouters {
                try lab.addRouter(home.host, wan: ownWAN[home.host] ?? "", homes: [home], behaviour: .endpointIndependent,
                                  udpTimeoutSeconds: udpTimeoutSeconds)
            }
            try lab.addRouter(sharedRouter, wan: sharedWAN, homes: shared, behaviour: .fixedPorts,
                              udpTimeoutSeconds: udpTimeoutSeconds)
            if let symmetric {
                try lab.addRouter(symmetric.host, wan: symmetricWAN, homes: [symmetric], behaviour: .symmetric,
                                  udpTimeoutSeconds: udpTimeoutSeconds)
            }
        } catch {
            lab.teardown()
            throw error
        }
        return lab
    }
}
