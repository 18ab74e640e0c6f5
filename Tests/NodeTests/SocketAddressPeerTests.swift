import GrapevineCore
import NIOCore
@testable import Node
import Testing

/// The node's socket addresses become peer addresses and back byte for byte, never through text.
@Suite struct SocketAddressPeerTests {
    @Test func aSourceAddressBecomesThePeerAddressOfItsBytesAndIPv4MappedBecomesIPv4() throws {
        let v4 = try SocketAddress(ipAddress: "198.18.0.7", port: 7474)
        #expect(PeerAddress(v4) == PeerAddress(ip: [198, 18, 0, 7], port: 7474))
        let mapped = try SocketAddress(ipAddress: "::ffff:198.18.0.7", port: 40001)
        #expect(PeerAddress(mapped) == PeerAddress(ip: [198, 18, 0, 7], port: 40001))
        let v6 = try SocketAddress(ipAddress: "2001:db8::1", port: 7474)
        #expect(PeerAddress(v6) == PeerAddress(ip: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1], port: 7474))
    }

    @Test func aPeerAddressBecomesTheSocketAddressToSendToMappedOnAnIPv6Socket() throws {
        let peer = PeerAddress(ip: [198, 18, 0, 7], port: 7474)
        #expect(SocketAddress(peer, onIPv6: false) == (try SocketAddress(ipAddress: "198.18.0.7", port: 7474)))
        #expect(SocketAddress(peer, onIPv6: true) == (try SocketAddress(ipAddress: "::ffff:198.18.0.7", port: 7474)))
        let v6 = PeerAddress(ip: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1], port: 9)
        #expect(SocketAddress(v6, onIPv6: true) == (try SocketAddress(ipAddress: "2001:db8::1", port: 9)))
        #expect(SocketAddress(v6, onIPv6: false) == nil, "an IPv6 peer cannot be reached from an IPv4 socket")
        #expect(SocketAddress(PeerAddress(ip: [1, 2, 3], port: 9), onIPv6: false) == nil)
    }
}
