import GossipEngine
import GrapevineCore
import Sodium

/// The keys, addresses and signed endpoint entries of a simulated network's nodes. They depend
/// only on the node count and start time, so a benchmark builds them once for many seeds.
public final class SimIdentities: @unchecked Sendable {
    public let keys: [Ed25519.SigningKey]
    public let identities: [PublicIdentity]
    public let addresses: [PeerAddress]
    public let endpoints: [SignedEntry]
    public let start: UInt64

    /// What each node's endpoint lists: its own LAN address behind a NAT, its public one if none.
    public let nat: [SimNAT]

    /// - Parameter nat: each node's NAT; empty (the default) puts every node on one 10.0.0.0/8
    ///   network, as the runs without NAT do.
    public init(count: Int, start: UInt64 = 1_764_000_000_000, nat: [SimNAT] = []) throws {
        self.nat = nat
        Sodium.ensureInitialized()
        var keys: [Ed25519.SigningKey] = []
        var identities: [PublicIdentity] = []
        var addresses: [PeerAddress] = []
        var endpoints: [SignedEntry] = []
        var random = SeededRandom(seed: 0x6772_6170_6576_696e)
        for i in 0..<count {
            let seed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
            guard let key = Ed25519.SigningKey(seed: seed), let identity = PublicIdentity(bytes: key.publicKey) else {
                throw SimError("cannot derive the key of node \(i)")
            }
            let lan: [UInt8] = [10, UInt8(truncatingIfNeeded: i >> 16), UInt8(truncatingIfNeeded: i >> 8), UInt8(truncatingIfNeeded: i)]
            let isPublic = !nat.isEmpty && nat[i] == .none
            let ip = isPublic ? SimRouters.publicIP(i) : lan
            let address = PeerAddress(ip: ip, port: 4100)
            let listed = NodeAddress(ip: ip, port: 4100, origin: nat.isEmpty ? nil : .interface)
            let endpoint = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [listed])),
                                                stamp: HLCStamp(millis: start - 60_000, counter: 0), with: key)
            keys.append(key)
            identities.append(identity)
            addresses.append(address)
            endpoints.append(endpoint)
        }
        self.keys = keys
        self.identities = identities
        self.addresses = addresses
        self.endpoints = endpoints
        self.start = start
    }

    public var count: Int { identities.count }

    /// The network node `i` sits on: without NATs, one 10.0.0.0/8 subnet with every other node;
    /// with them, a network of its own (a home LAN, or a public address).
    public func network(_ i: Int) -> LocalNetwork {
        guard !nat.isEmpty else { return Simulator.simulatedNetwork(addresses[i]) }
        return LocalNetwork(interfaces: IPPrefix(ip: addresses[i].ip, length: 32).map { [$0] } ?? [])
    }
}

public struct SimError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
