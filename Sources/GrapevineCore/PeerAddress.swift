import GrapevineCore

/// Where a datagram comes from or goes to: a UDP address, 4 (IPv4) or 16 (IPv6) bytes in network
/// order and a port; or a **relay path** (PROTOCOL.md §11.9.1), the relay's address and the id of a
/// circuit there, which the shell reaches by wrapping the sealed datagram in a relay frame. The
/// engine treats both alike (replies, verified addresses), so SWIM runs through relays unchanged.
public struct PeerAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let ip: [UInt8]
    public let port: UInt16
    /// The circuit at the relay at `ip` and `port`, for a relay path; nil for a UDP address.
    public let circuit: UInt64?

    public init(ip: [UInt8], port: UInt16, circuit: UInt64? = nil) {
        self.ip = ip
        self.port = port
        self.circuit = circuit
    }

    /// The UDP address of an endpoint entry's address, or nil for another kind (a relay address
    /// names a relay to open a circuit at, not a place to send to).
    public init?(_ address: NodeAddress) {
        guard address.kind == NodeAddress.udpKind, address.ip.count == 4 || address.ip.count == 16 else { return nil }
        self.init(ip: address.ip, port: address.port)
    }

    /// Whether this is a path through a relay's circuit rather than a UDP address.
    public var isRelayed: Bool { circuit != nil }

    /// The relay's own UDP address, for a relay path; the address itself otherwise.
    public var udp: PeerAddress { PeerAddress(ip: ip, port: port) }

    /// Why a node must not send to this address (PROTOCOL.md §11.3), or nil if it may.
    public func unusable(listensOnLoopback: Bool) -> UnusableAddress? {
        UnusableAddress.reason(ip: ip, port: port, listenerIsLoopback: listensOnLoopback)
    }

    public static func < (lhs: PeerAddress, rhs: PeerAddress) -> Bool {
        if lhs.ip != rhs.ip { return lhs.ip.lexicographicallyPrecedes(rhs.ip) }
        if lhs.port != rhs.port { return lhs.port < rhs.port }
        return (lhs.circuit ?? 0) < (rhs.circuit ?? 0)
    }

    public var description: String {
        let udp = ip.count == 16 ? "[\(IPText.format(ip))]:\(port)" : "\(IPText.format(ip)):\(port)"
        return circuit.map { "\(udp)#\(String($0, radix: 16))" } ?? udp
    }
}
