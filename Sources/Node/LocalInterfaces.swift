import Foundation
import GossipEngine
import GrapevineCore

/// This machine's interface addresses (getifaddrs), with their prefix lengths: what a node
/// listening on a wildcard address publishes, and the subnets PROTOCOL.md §5.4 and §11.7 name.
enum LocalInterfaces {
    /// Every up interface's IPv4 and IPv6 address; IPv6 link-local ones are left out (they need
    /// a zone to be used, which an endpoint entry cannot carry).
    static func all() -> [IPPrefix] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var found: [IPPrefix] = []
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            let flags = Int32(entry.pointee.ifa_flags)
            guard flags & Int32(IFF_UP) != 0, let address = entry.pointee.ifa_addr,
                  let ip = bytes(address) else { continue }
            let length = entry.pointee.ifa_netmask.flatMap(bytes).map(prefixLength) ?? ip.count * 8
            guard let prefix = IPPrefix(ip: ip, length: length), !found.contains(prefix) else { continue }
            if ip.count == 16, ip[0] == 0xfe, ip[1] & 0xc0 == 0x80 { continue }
            found.append(prefix)
        }
        return found
    }

    /// The IP of a socket address, for IPv4 and IPv6; nil for other families.
    private static func bytes(_ address: UnsafeMutablePointer<sockaddr>) -> [UInt8]? {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                withUnsafeBytes(of: v4.pointee.sin_addr) { Array($0) }
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                withUnsafeBytes(of: v6.pointee.sin6_addr) { Array($0) }
            }
        default:
            return nil
        }
    }

    private static func prefixLength(_ mask: [UInt8]) -> Int {
        mask.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// The addresses a node listening on a wildcard publishes as its interface addresses:
    /// global ones first, then private ones, IPv4 before IPv6 within each (IPv6 only on an IPv6
    /// socket), at most `limit`; loopback only when there is nothing else.
    static func advertised(_ interfaces: [IPPrefix], network: LocalNetwork, port: UInt16, includeIPv6: Bool,
                           limit: Int) -> [NodeAddress] {
        let usable = interfaces.map(\.ip).filter { includeIPv6 || $0.count == 4 }
        func rank(_ ip: [UInt8]) -> Int {
            let scope = network.scope(ip)
            return (scope == .global ? 0 : scope == .privateNetwork ? 2 : 4) + (ip.count == 4 ? 0 : 1)
        }
        let outside = usable.filter { network.scope($0) != .loopback }
        let chosen = outside.isEmpty ? usable : outside
        let ordered = chosen.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
        return ordered.prefix(limit).map { NodeAddress(ip: $0.element, port: port, origin: .interface) }
    }
}
