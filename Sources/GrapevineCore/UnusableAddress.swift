/// The kinds of address a node never sends a gossip datagram to (PROTOCOL.md §11.3).
///
/// A signed endpoint entry may list any address: its author chooses it. Sending to an
/// unspecified, broadcast or multicast address would reach hosts nobody named, loopback would
/// reach the node's own host, and many of them make the socket call fail. Such addresses are
/// ignored when learned, and refused once more just before sending. Subnet-directed broadcasts
/// are not recognisable from the address alone: the kernel refuses them, because a node never
/// enables broadcast on its socket.
public enum UnusableAddress: String, Sendable, CaseIterable {
    /// 0.0.0.0/8 ("this network") and `::`.
    case unspecified
    /// 255.255.255.255, the limited broadcast.
    case broadcast
    /// 224.0.0.0/4 and ff00::/8.
    case multicast
    case port0 = "port-0"
    /// 127.0.0.0/8 and `::1`, unless the node itself listens on a loopback address.
    case loopback

    /// Why a node must not send to `ip`:`port`, or nil if it may. IPv4-mapped IPv6 addresses
    /// (`::ffff:a.b.c.d`) are judged as the IPv4 address they carry.
    ///
    /// - Parameter listenerIsLoopback: whether the node's own listen address is a loopback
    ///   address; a wildcard listen address (`0.0.0.0`, `::`) is not one.
    public static func reason(ip: [UInt8], port: UInt16, listenerIsLoopback: Bool) -> UnusableAddress? {
        if port == 0 { return .port0 }
        let ip = IPText.unmapped(ip)
        let isLoopback: Bool
        switch ip.count {
        case 4:
            if ip[0] == 0 { return .unspecified }
            if ip.allSatisfy({ $0 == 0xff }) { return .broadcast }
            if ip[0] & 0xf0 == 0xe0 { return .multicast }
            isLoopback = ip[0] == 127
        case 16:
            if ip.allSatisfy({ $0 == 0 }) { return .unspecified }
            if ip[0] == 0xff { return .multicast }
            isLoopback = ip[0..<15].allSatisfy { $0 == 0 } && ip[15] == 1
        default:
            return .unspecified
        }
        return isLoopback && !listenerIsLoopback ? .loopback : nil
    }

    /// Whether `ip` is a loopback address (127.0.0.0/8, `::1`, or IPv4-mapped 127.0.0.0/8).
    public static func isLoopback(_ ip: [UInt8]) -> Bool {
        reason(ip: ip, port: 1, listenerIsLoopback: false) == .loopback
    }
}
