import GrapevineCore
import Testing

@Suite("Peer addresses")
struct PeerAddressTests {
    @Test("a peer address is a core address type: built from an endpoint's UDP address, printed as ip:port or [ip]:port; another kind is none")
    func fromNodeAddressAndPrinted() throws {
        let v4 = try #require(PeerAddress(NodeAddress(ip: [192, 0, 2, 1], port: 7474)))
        #expect("\(v4)" == "192.0.2.1:7474")
        let v6 = PeerAddress(ip: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1], port: 9)
        #expect("\(v6)" == "[2001:db8::1]:9")
        #expect(PeerAddress(NodeAddress(kind: NodeAddress.udpKind + 1, ip: [192, 0, 2, 1], port: 7474)) == nil)
    }
}
