import GrapevineCore

/// A UDP address: 4 (IPv4) or 16 (IPv6) bytes in network order, and a port.
public struct PeerAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let ip: [UInt8]
    public let port: UInt16

    public init(ip: [UInt8], port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// The UDP address of an endpoint entry's address, or nil for another kind (relays are reserved).
    public init?(_ address: NodeAddress) {
        guard address.kind == NodeAddress.udpKind, address.ip.count == 4 || address.ip.count == 16 else { return nil }
        self.init(ip: address.ip, port: address.port)
    }

    /// Why a node must not send to this address (PROTOCOL.md §11.3), or nil if it may.
    public func unusable(listensOnLoopback: Bool) -> UnusableAddress? {
        UnusableAddress.reason(ip: ip, port: port, listenerIsLoopback: listensOnLoopback)
    }

    public static func < (lhs: PeerAddress, rhs: PeerAddress) -> Bool {
        if lhs.ip != rhs.ip { return lhs.ip.lexicographicallyPrecedes(rhs.ip) }
        return lhs.port < rhs.port
    }

    public var description: String {
        ip.count == 16 ? "[\(IPText.format(ip))]:\(port)" : "\(IPText.format(ip)):\(port)"
    }
}
