/// An IP prefix: the first `length` bits of `ip` (4 or 16 bytes).
public struct IPPrefix: Sendable, Equatable, Hashable {
    public let ip: [UInt8]
    public let length: Int

    public init?(ip: [UInt8], length: Int) {
        guard ip.count == 4 || ip.count == 16, (0...ip.count * 8).contains(length) else { return nil }
        self.ip = ip
        self.length = length
    }

    /// Parses `a.b.c.d/n` or `x::y/n`.
    public init?(_ text: String, parseIP: (String) -> [UInt8]?) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let ip = parseIP(String(parts[0])), let length = Int(parts[1]) else { return nil }
        self.init(ip: ip, length: length)
    }

    public func contains(_ address: [UInt8]) -> Bool {
        guard address.count == ip.count else { return false }
        var bits = length
        for (a, b) in zip(address, ip) {
            guard bits > 0 else { return true }
            let mask: UInt8 = bits >= 8 ? 0xff : ~(0xff >> UInt8(bits))
            if a & mask != b & mask { return false }
            bits -= 8
        }
        return true
    }
}

/// Where an address can be used from (PROTOCOL.md §5.4): private, unique-local and link-local
/// addresses are tried only by members behind the same observed public IP, or on the same
/// subnet; loopback only on the same machine; the rest from anywhere.
public enum AddressScope: Sendable, Equatable {
    case loopback, privateNetwork, global

    static let privatePrefixes: [IPPrefix] = [
        IPPrefix(ip: [10, 0, 0, 0], length: 8), IPPrefix(ip: [172, 16, 0, 0], length: 12),
        IPPrefix(ip: [192, 168, 0, 0], length: 16), IPPrefix(ip: [100, 64, 0, 0], length: 10),
        IPPrefix(ip: [169, 254, 0, 0], length: 16),
        IPPrefix(ip: [0xfc] + [UInt8](repeating: 0, count: 15), length: 7),
        IPPrefix(ip: [0xfe, 0x80] + [UInt8](repeating: 0, count: 14), length: 10),
    ].compactMap { $0 }
    static let loopbackPrefixes: [IPPrefix] = [
        IPPrefix(ip: [127, 0, 0, 0], length: 8), IPPrefix(ip: [UInt8](repeating: 0, count: 15) + [1], length: 128),
    ].compactMap { $0 }

    /// The scope of `ip`; `extraPrivate` are prefixes treated as private too (a test lab's LANs).
    public static func of(_ ip: [UInt8], extraPrivate: [IPPrefix] = []) -> AddressScope {
        if loopbackPrefixes.contains(where: { $0.contains(ip) }) { return .loopback }
        if (privatePrefixes + extraPrivate).contains(where: { $0.contains(ip) }) { return .privateNetwork }
        return .global
    }
}

/// This node's own network as the shell finds it: its interface addresses with their prefix
/// lengths, and prefixes to treat as private beyond the standard ones (test labs only).
public struct LocalNetwork: Sendable, Equatable {
    public var interfaces: [IPPrefix]
    public var extraPrivate: [IPPrefix]

    public init(interfaces: [IPPrefix] = [], extraPrivate: [IPPrefix] = []) {
        self.interfaces = interfaces
        self.extraPrivate = extraPrivate
    }

    public func scope(_ ip: [UInt8]) -> AddressScope { AddressScope.of(ip, extraPrivate: extraPrivate) }

    /// Whether `ip` lies on one of this node's own interface subnets.
    public func isOnLink(_ ip: [UInt8]) -> Bool { interfaces.contains { $0.contains(ip) } }

    /// Whether `ip` is one of this node's own interface addresses.
    public func isOwn(_ ip: [UInt8]) -> Bool { interfaces.contains { $0.ip == ip } }
}
