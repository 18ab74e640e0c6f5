import GossipEngine
import GrapevineCore

/// A simulated node's NAT (RFC 4787), for runs where some nodes sit behind home routers.
public enum SimNAT: Sendable, Equatable {
    /// A public address, reachable by anyone.
    case none
    /// Endpoint-independent mapping (one WAN port toward every destination) with
    /// address-and-port-dependent filtering: only answers to what the node sent are let in.
    case endpointIndependent
    /// Endpoint-dependent mapping: a new WAN port for every destination, same filtering.
    case symmetric
}

/// The routers of a simulated network: each NATed node has a LAN address of its own (its
/// `SimIdentities` address) and a WAN address; a flow it opens by sending stays open for
/// `mappingTimeoutMillis` after its last outgoing datagram.
struct SimRouters {
    let types: [SimNAT]
    let mappingTimeoutMillis: UInt64
    /// By node: its WAN IP, for NATed nodes.
    private let wanIP: [[UInt8]?]
    private var nodeAtWAN: [[UInt8]: Int] = [:]
    /// By node: the last outgoing time of each flow, keyed by destination.
    private var flows: [[PeerAddress: UInt64]]
    /// Symmetric NATs: the WAN port given to each destination, and back.
    private var portFor: [[PeerAddress: UInt16]]
    private var destinationOf: [[UInt16: PeerAddress]]
    static let wanPort: UInt16 = 4100

    init(types: [SimNAT], mappingTimeoutMillis: UInt64) {
        self.types = types
        self.mappingTimeoutMillis = mappingTimeoutMillis
        wanIP = types.enumerated().map { i, type in
            type == .none ? nil : [45, UInt8(truncatingIfNeeded: i >> 16), UInt8(truncatingIfNeeded: i >> 8), UInt8(truncatingIfNeeded: i)]
        }
        flows = Array(repeating: [:], count: types.count)
        portFor = Array(repeating: [:], count: types.count)
        destinationOf = Array(repeating: [:], count: types.count)
        for (i, ip) in wanIP.enumerated() { if let ip { nodeAtWAN[ip] = i } }
    }

    /// The public address address a public node listens on, from its index.
    static func publicIP(_ i: Int) -> [UInt8] {
        [44, UInt8(truncatingIfNeeded: i >> 16), UInt8(truncatingIfNeeded: i >> 8), UInt8(truncatingIfNeeded: i)]
    }

    /// Node `i` sends to `destination`: opens or refreshes the flow, and returns the source
    /// address the destination sees.
    mutating func outbound(from i: Int, to destination: PeerAddress, lan: PeerAddress, now: UInt64) -> PeerAddress {
        guard let ip = wanIP[i] else { return lan }
        flows[i][destination] = now
        switch types[i] {
        case .none, .endpointIndependent:
            return PeerAddress(ip: ip, port: Self.wanPort)
        case .symmetric:
            if let port = portFor[i][destination] { return PeerAddress(ip: ip, port: port) }
            let port = UInt16(truncatingIfNeeded: 20_000 + portFor[i].count)
            portFor[i][destination] = port
            destinationOf[i][port] = destination
            return PeerAddress(ip: ip, port: port)
        }
    }

    /// The NATed node a datagram from `source` to `destination` reaches, if its router lets it
    /// in: only to a mapping it holds, and only from where that mapping's flow went.
    func inbound(to destination: PeerAddress, from source: PeerAddress, now: UInt64) -> Int? {
        guard let j = nodeAtWAN[destination.ip] else { return nil }
        switch types[j] {
        case .none:
            return nil
        case .endpointIndependent:
            guard destination.port == Self.wanPort else { return nil }
        case .symmetric:
            guard destinationOf[j][destination.port] == source else { return nil }
        }
        guard let last = flows[j][source], now <= last + mappingTimeoutMillis else { return nil }
        return j
    }
}

extension SimNAT {
    /// A deterministic mix for `count` nodes: the first `publicFirst` public (the invites), then
    /// about `natShare` of the rest behind NATs, `symmetricShare` of those symmetric.
    public static func mix(count: Int, publicFirst: Int, natShare: Double, symmetricShare: Double, seed: UInt64) -> [SimNAT] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { i in
            guard i >= publicFirst else { return .none }
            guard Double.random(in: 0..<1, using: &random) < natShare else { return .none }
            return Double.random(in: 0..<1, using: &random) < symmetricShare ? .symmetric : .endpointIndependent
        }
    }
}
