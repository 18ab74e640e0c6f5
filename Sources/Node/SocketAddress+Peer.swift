import GrapevineCore
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Between NIO's socket addresses and the engine's `PeerAddress`, byte for byte: the address of
/// every datagram passes here, so it never becomes text to be parsed back.
extension PeerAddress {
    /// The UDP address of a datagram's source; IPv4-mapped IPv6 addresses become IPv4. Nil for a
    /// Unix socket.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            let ip = withUnsafeBytes(of: v4.address.sin_addr) { [UInt8]($0) }
            self.init(ip: ip, port: UInt16(bigEndian: v4.address.sin_port))
        case .v6(let v6):
            let ip = withUnsafeBytes(of: v6.address.sin6_addr) { [UInt8]($0) }
            self.init(ip: IPText.unmapped(ip), port: UInt16(bigEndian: v6.address.sin6_port))
        case .unixDomainSocket:
            return nil
        }
    }
}

extension SocketAddress {
    /// The socket address to send to a UDP address; an IPv4 peer is written IPv4-mapped on an
    /// IPv6 socket. Nil for an IPv6 peer on an IPv4 socket, or an address of another length.
    init?(_ peer: PeerAddress, onIPv6: Bool) {
        var ip = peer.ip
        if onIPv6 && ip.count == 4 { ip = [UInt8](repeating: 0, count: 10) + [0xff, 0xff] + ip }
        switch ip.count {
        case 4 where !onIPv6:
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_port = peer.port.bigEndian
            withUnsafeMutableBytes(of: &raw.sin_addr) { $0.copyBytes(from: ip) }
            self.init(raw)
        case 16 where onIPv6:
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            raw.sin6_port = peer.port.bigEndian
            withUnsafeMutableBytes(of: &raw.sin6_addr) { $0.copyBytes(from: ip) }
            self.init(raw)
        default:
            return nil
        }
    }
}
