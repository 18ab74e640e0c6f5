import Foundation
import GossipEngine
import GrapevineCore
import NIOCore
@testable import Node
import Testing

/// The node's socket, below the process: a send the kernel refuses is a result, and the
/// socket goes on receiving. With NIO's own writes the same refusal closed the channel.
@Suite("Datagram sender")
struct DatagramSenderTests {
    /// 127.255.255.255 is the loopback network's broadcast address: with broadcast off the kernel
    /// refuses it (EACCES) and sends nothing.
    static let loopbackBroadcast = PeerAddress(ip: [127, 255, 255, 255], port: 9)

    @Test("a refused send returns its errno, and the channel still delivers datagrams afterwards")
    func refusedSendLeavesTheChannelOpen() async throws {
        let socket = try DatagramSocket.open(host: "127.0.0.1", port: 0)
        let sender = try DatagramSender(duplicating: socket.descriptor, isIPv6: socket.isIPv6)
        defer { sender.close() }
        let channel = try await NodeService.wrap(socket.descriptor, logger: .init(label: "test"))
        let port = try #require(channel.channel.localAddress?.port)
        let peer = try UDPSocket()

        #expect(sender.send([1, 2, 3], to: Self.loopbackBroadcast) == .failed(EACCES))
        #expect(sender.send([4], to: PeerAddress(ip: [127, 0, 0, 1], port: peer.port)) == .sent)
        #expect(peer.count(for: 0.3) == 1, "the sender still sends from the node's socket")
        #expect(sender.send([5], to: PeerAddress(ip: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], port: 9))
                == .ipv6OnIPv4Socket)

        peer.send([7, 7], toPort: UInt16(port))
        try await channel.executeThenClose { inbound, _ in
            var iterator = inbound.makeAsyncIterator()
            let envelope = try await iterator.next()
            #expect(envelope.map { Array($0.data.readableBytesView) } == [7, 7])
            #expect(envelope?.remoteAddress.port == Int(peer.port))
        }
        sender.close()
        #expect(sender.send([6], to: PeerAddress(ip: [127, 0, 0, 1], port: peer.port)) == .closed)
    }

    @Test("errno values are named for the send-failed counter")
    func errnoNames() {
        #expect(DatagramSender.name(EACCES) == "EACCES" && DatagramSender.name(ENETUNREACH) == "ENETUNREACH")
        #expect(DatagramSender.name(9999) == "errno-9999")
    }

    @Test("a failing address is logged once a minute, and the memory of logged addresses is bounded")
    func failureLogIsRateLimited() {
        var log = SendFailureLog(capacity: 4)
        let address = PeerAddress(ip: [198, 18, 0, 255], port: 7474)
        let decisions = [1_000, 30_000, 61_000].map { log.shouldLog(address, now: $0) }
        #expect(decisions == [true, false, true])
        for port in 1...100 { _ = log.shouldLog(PeerAddress(ip: [198, 18, 0, 1], port: UInt16(port)), now: 62_000) }
        #expect(log.count <= 4)
    }
}
