import Foundation
import GrapevineCore

/// `addresses.json`: endpoint entries whose addresses include ones a node never sends to
/// (PROTOCOL.md §11.3), each with the addresses that remain usable for a node listening on a
/// loopback address and for any other node.
public struct AddressVectorFile: Codable, Equatable, Sendable {
    public struct Vector: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var entry: String
        public var usableLoopbackListener: [VectorContent.Address]
        public var usableOtherListener: [VectorContent.Address]
    }

    public var description: String
    public var vectors: [Vector]
}

enum AddressVectors {
    static let cases: [(name: String, description: String, addresses: [String])] = [
        ("limited-broadcast", "255.255.255.255, also IPv4-mapped, beside two unicast addresses",
         ["255.255.255.255|7474", "192.0.2.7|7474", "::ffff:255.255.255.255|7474", "2001:db8::7|7474"]),
        ("multicast", "IPv4 and IPv6 multicast groups, one IPv4-mapped: nothing is usable",
         ["224.0.0.251|5353", "239.255.255.250|1900", "ff02::1|7474", "::ffff:224.0.0.1|7474"]),
        ("unspecified", "0.0.0.0/8 and ::, one IPv4-mapped: nothing is usable",
         ["0.0.0.0|7474", "0.1.2.3|7474", "::|7474", "::ffff:0.0.0.0|7474"]),
        ("loopback", "loopback addresses: usable only by a node that listens on loopback",
         ["127.0.0.1|7474", "127.8.9.10|7475", "::1|7474", "::ffff:127.0.0.1|7476"]),
        ("loopback-and-public", "a node's default endpoint beside a public one",
         ["127.0.0.1|7474", "198.51.100.4|7474", "::1|7474"]),
        ("subnet-broadcasts-look-unicast", "broadcast addresses of subnets are not recognisable from the address: "
            + "they stay usable here and the sending socket, with broadcast off, refuses those of its own networks",
         ["192.0.2.255|7474", "10.255.255.255|7474", "127.255.255.255|7474", "::2|7474"]),
    ]

    static func make() throws -> AddressVectorFile {
        let alice = try VectorGenerator.key("alice")
        let vectors = try cases.enumerated().map { n, c -> AddressVectorFile.Vector in
            let addresses = try c.addresses.map { text -> NodeAddress in
                let parts = text.split(separator: "|")
                guard parts.count == 2, let ip = IPText.parse(String(parts[0])), let port = UInt16(parts[1]) else {
                    throw GenerationError("bad address \(text)")
                }
                return NodeAddress(ip: ip, port: port)
            }
            let entry = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: addresses)),
                                             stamp: VectorGenerator.stamp(30 + UInt64(n)), with: alice)
            func usable(loopback: Bool) -> [VectorContent.Address] {
                addresses.filter { UnusableAddress.reason(ip: $0.ip, port: $0.port, listenerIsLoopback: loopback) == nil }
                    .map { .init(kind: $0.kind, ip: IPText.format($0.ip), port: $0.port) }
            }
            return .init(name: c.name, description: c.description, entry: Hex.encode(entry.encoded),
                         usableLoopbackListener: usable(loopback: true), usableOtherListener: usable(loopback: false))
        }
        return AddressVectorFile(
            description: "Endpoint entries (valid, kept and forwarded) and the addresses of each that a node may send to "
                + "(PROTOCOL.md §11.3): usable_loopback_listener for a node listening on a loopback address, "
                + "usable_other_listener for any other node, wildcard listeners included.",
            vectors: vectors)
    }
}
