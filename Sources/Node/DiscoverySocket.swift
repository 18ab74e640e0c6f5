#if canImport(Glibc)
import Glibc
#endif
import Discovery
import Foundation
import GossipEngine
import NIOCore

/// The multicast sockets of discovery (PROTOCOL.md §17.1): one IPv4 socket in the group
/// 239.255.74.74 and one IPv6 socket in ff02::7474, both on their own port, joined on every up
/// interface that can multicast and is not loopback.
///
/// Each interface is named explicitly when joining and sending, so no multicast route is needed
/// (a network namespace has none). IPv6 is joined on every such interface, with or without an
/// address yet (a link-local address appears only seconds after the link comes up); an
/// interface that refuses a group (IPv6 turned off on it) is left out of that family.
final class DiscoverySocket: @unchecked Sendable {
    // @unchecked: the descriptors and interfaces never change after init; sendto is thread-safe.
    static let ipv4Group: [UInt8] = [239, 255, 74, 74]
    static let ipv6Group: [UInt8] = [0xff, 0x02] + [UInt8](repeating: 0, count: 12) + [0x74, 0x74]

    struct Interface: Equatable {
        var name: String
        var index: UInt32
        var hasIPv4: Bool
    }

    let port: UInt16
    /// The interfaces that joined each group.
    let ipv4Interfaces: [Interface]
    let ipv6Interfaces: [Interface]
    /// The sockets NIO reads and closes.
    let descriptors: [CInt]
    /// Duplicates of them for sending, closed here, so a send never meets a descriptor NIO closed.
    private let ipv4: CInt?
    private let ipv6: CInt?

    /// Opens both sockets on `port`. The IPv4 one must open when an interface has IPv4; the
    /// IPv6 one stays closed on a host without IPv6.
    init(port: UInt16) throws {
        self.port = port
        let interfaces = Self.multicastInterfaces()
        let v4 = try Self.open(family: AF_INET, port: port, joining: interfaces.filter(\.hasIPv4))
        let v6 = try? Self.open(family: AF_INET6, port: port, joining: interfaces)
        ipv4Interfaces = v4?.joined ?? []
        ipv6Interfaces = v6?.joined ?? []
        descriptors = [v4?.descriptor, v6?.descriptor].compactMap { $0 }
        ipv4 = v4.map { fcntl($0.descriptor, F_DUPFD_CLOEXEC, 0) }.flatMap { $0 >= 0 ? $0 : nil }
        ipv6 = v6.map { fcntl($0.descriptor, F_DUPFD_CLOEXEC, 0) }.flatMap { $0 >= 0 ? $0 : nil }
    }

    deinit {
        for descriptor in [ipv4, ipv6].compactMap({ $0 }) { Glibc.close(descriptor) }
    }

    /// The names of the interfaces announced on, in either family.
    var interfaceNames: [String] {
        (ipv4Interfaces + ipv6Interfaces).reduce(into: [String]()) { names, interface in
            if !names.contains(interface.name) { names.append(interface.name) }
        }
    }

    static func groupsText(port: UInt16) -> String { "udp/\(port) on 239.255.74.74 and ff02::7474" }

    /// Sends `bytes` to the groups on every joined interface; returns the errno of each failed send.
    func send(_ bytes: [UInt8]) -> [CInt] {
        var failures: [CInt] = []
        if let ipv4 {
            for interface in ipv4Interfaces {
                var request = ip_mreqn()
                request.imr_ifindex = Int32(interface.index)
                if (try? Self.setOption(ipv4, Int32(IPPROTO_IP), IP_MULTICAST_IF, &request, "IP_MULTICAST_IF")) == nil {
                    failures.append(errno)
                    continue
                }
                var target = sockaddr_in()
                target.sin_family = sa_family_t(AF_INET)
                target.sin_port = port.bigEndian
                withUnsafeMutableBytes(of: &target.sin_addr) { $0.copyBytes(from: Self.ipv4Group) }
                if let failure = Self.sendto(ipv4, bytes, &target) { failures.append(failure) }
            }
        }
        if let ipv6 {
            for interface in ipv6Interfaces {
                var target = sockaddr_in6()
                target.sin6_family = sa_family_t(AF_INET6)
                target.sin6_port = port.bigEndian
                target.sin6_scope_id = interface.index
                withUnsafeMutableBytes(of: &target.sin6_addr) { $0.copyBytes(from: Self.ipv6Group) }
                if let failure = Self.sendto(ipv6, bytes, &target) { failures.append(failure) }
            }
        }
        return failures
    }

    private static func sendto<Address>(_ descriptor: CInt, _ bytes: [UInt8], _ target: inout Address) -> CInt? {
        let sent = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bytes.withUnsafeBytes { Glibc.sendto(descriptor, $0.baseAddress, bytes.count, Int32(MSG_DONTWAIT), address,
                                                     socklen_t(MemoryLayout<Address>.size)) }
            }
        }
        return sent < 0 ? errno : nil
    }

    /// A socket bound to `port` in the family's group on each of `interfaces` that accepts it;
    /// nil when there is no interface to join or none accepts the group.
    private static func open(family: Int32, port: UInt16, joining interfaces: [Interface]) throws
        -> (descriptor: CInt, joined: [Interface])?
    {
        guard !interfaces.isEmpty else { return nil }
        let descriptor = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var joined: [Interface] = []
        do {
            // Several nodes on one machine (tests) share the port; each gets every announcement.
            try set(descriptor, SOL_SOCKET, SO_REUSEADDR, 1)
            try set(descriptor, SOL_SOCKET, SO_REUSEPORT, 1)
            // Hop limit 1 keeps announcements on the link; no loopback of our own; IPv4 receives
            // only the groups this socket joined.
            typealias Option = (level: Int32, name: Int32, value: CInt)
            let v4 = Int32(IPPROTO_IP)
            let v6 = Int32(IPPROTO_IPV6)
            let ipv4Options: [Option] = [(v4, Int32(IP_MULTICAST_TTL), 1), (v4, Int32(IP_MULTICAST_LOOP), 0),
                                         (v4, Int32(IP_MULTICAST_ALL), 0)]
            let ipv6Options: [Option] = [(v6, Int32(IPV6_V6ONLY), 1), (v6, Int32(IPV6_MULTICAST_HOPS), 1),
                                         (v6, Int32(IPV6_MULTICAST_LOOP), 0)]
            let options = family == AF_INET ? ipv4Options : ipv6Options
            for option in options { try set(descriptor, option.level, option.name, option.value) }
            if family == AF_INET {
                var any = sockaddr_in()
                any.sin_family = sa_family_t(AF_INET)
                any.sin_port = port.bigEndian
                try bind(descriptor, &any)
                joined = interfaces.filter { interface in
                    var request = ip_mreqn()
                    withUnsafeMutableBytes(of: &request.imr_multiaddr) { $0.copyBytes(from: ipv4Group) }
                    request.imr_ifindex = Int32(interface.index)
                    return (try? setOption(descriptor, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &request, "join")) != nil
                }
            } else {
                var any = sockaddr_in6()
                any.sin6_family = sa_family_t(AF_INET6)
                any.sin6_port = port.bigEndian
                try bind(descriptor, &any)
                joined = interfaces.filter { interface in
                    var request = ipv6_mreq()
                    withUnsafeMutableBytes(of: &request.ipv6mr_multiaddr) { $0.copyBytes(from: ipv6Group) }
                    request.ipv6mr_interface = interface.index
                    return (try? setOption(descriptor, Int32(IPPROTO_IPV6), IPV6_ADD_MEMBERSHIP, &request, "join")) != nil
                }
            }
            guard !joined.isEmpty else {
                Glibc.close(descriptor)
                return nil
            }
            return (descriptor, joined)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
    }

    private static func bind<Address>(_ descriptor: CInt, _ address: inout Address) throws {
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard bound == 0 else { throw IOError(errnoCode: errno, reason: "bind") }
    }

    private static func set(_ descriptor: CInt, _ level: Int32, _ name: Int32, _ value: CInt) throws {
        var value = value
        try setOption(descriptor, level, name, &value, "setsockopt")
    }

    private static func setOption<Value>(_ descriptor: CInt, _ level: Int32, _ name: Int32, _ value: inout Value,
                                         _ reason: String) throws {
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Value>.size)) == 0 else {
            throw IOError(errnoCode: errno, reason: reason)
        }
    }

    /// Up interfaces with the MULTICAST flag, other than loopback, in the order getifaddrs gives
    /// them, whether or not they have an address yet.
    static func multicastInterfaces() -> [Interface] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var found: [Interface] = []
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            let flags = Int32(entry.pointee.ifa_flags)
            guard flags & Int32(IFF_UP) != 0, flags & Int32(IFF_MULTICAST) != 0, flags & Int32(IFF_LOOPBACK) == 0 else {
                continue
            }
            let index = if_nametoindex(entry.pointee.ifa_name)
            guard index != 0 else { continue }
            let isIPv4 = entry.pointee.ifa_addr.map { Int32($0.pointee.sa_family) == AF_INET } ?? false
            if let at = found.firstIndex(where: { $0.index == index }) {
                found[at].hasIPv4 = found[at].hasIPv4 || isIPv4
            } else {
                found.append(Interface(name: String(cString: entry.pointee.ifa_name), index: index, hasIPv4: isIPv4))
            }
        }
        return found
    }
}
