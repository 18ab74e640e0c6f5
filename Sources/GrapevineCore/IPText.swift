#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text forms of IP addresses, through the C library's inet_ntop and inet_pton.
public enum IPText {
    /// `127.0.0.1` or `::1`; hex for a length that is neither 4 nor 16.
    public static func format(_ ip: [UInt8]) -> String {
        let family: Int32
        switch ip.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return Hex.encode(ip)
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, ip, &buffer, socklen_t(buffer.count)) != nil else { return Hex.encode(ip) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Parses dotted IPv4 or textual IPv6; nil for anything else.
    public static func parse(_ text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &v6) == 1 { return v6 }
        return nil
    }

    /// The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) carries; any other address as it is.
    public static func unmapped(_ ip: [UInt8]) -> [UInt8] {
        guard ip.count == 16, ip[0..<10].allSatisfy({ $0 == 0 }), ip[10] == 0xff, ip[11] == 0xff else { return ip }
        return Array(ip[12..<16])
    }
}

extension NodeAddress: CustomStringConvertible {
    /// `127.0.0.1:7474` or `[::1]:7474`.
    public var description: String {
        ip.count == 16 ? "[\(IPText.format(ip))]:\(port)" : "\(IPText.format(ip)):\(port)"
    }
}
