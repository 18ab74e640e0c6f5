import Foundation
import GossipEngine
import GrapevineCore
import GrapevineStore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Sodium

/// One process, one node, one identity: a UDP socket that carries out the driver's work,
/// run as a swift-service-lifecycle `Service`.
///
/// On SIGTERM or SIGINT (graceful shutdown) it tells its peers it is leaving, writes a last
/// status snapshot and returns; the store's committed writes are already durable.
public final class NodeService: Service {
    public let home: GrapevineHome
    public let options: NodeOptions
    let signingKey: Ed25519.SigningKey
    let store: Store
    let invites: [Invite]
    let logger: Logger

    public init(home: GrapevineHome, options: NodeOptions, signingKey: Ed25519.SigningKey, store: Store,
                invites: [Invite], logger: Logger) {
        self.home = home
        self.options = options
        self.signingKey = signingKey
        self.store = store
        self.invites = invites
        self.logger = logger
    }

    public func run() async throws {
        let bindAddress = try SocketAddress.makeAddressResolvingHost(options.listenHost, port: Int(options.listenPort))
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_rcvbuf), value: 1 << 21)
            .bind(to: bindAddress) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let bound = channel.channel.localAddress ?? bindAddress
        let port = UInt16(bound.port ?? Int(options.listenPort))
        let advertised = Self.advertisedAddresses(options: options, boundPort: port)
        let endpoint = try publishEndpoint(advertised)
        let isIPv6 = bound.protocol == .inet6
        let receiveDelay = options.receiveDelayMillis
        let driver = NodeDriver(
            home: home, options: options, signingKey: signingKey, store: store, endpoint: endpoint,
            advertised: advertised, listenDescription: "\(options.listenHost):\(port)", logger: logger)
        logger.info("node running", metadata: [
            "identity": "\(PublicIdentity(signingKey).text)", "listen": "\(options.listenHost):\(port)",
            "advertise": "\(advertised.map { "\($0)" }.joined(separator: " "))",
        ])

        try await channel.executeThenClose { inbound, outbound in
            @Sendable func send(_ datagrams: [OutgoingDatagram]) async {
                for datagram in datagrams {
                    guard let address = Self.socketAddress(datagram.address, onIPv6: isIPv6) else { continue }
                    let buffer = ByteBuffer(bytes: datagram.bytes)
                    try? await outbound.write(AddressedEnvelope(remoteAddress: address, data: buffer))
                }
            }
            await send(await driver.join(invites))
            await cancelWhenGracefulShutdown {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await envelope in inbound {
                                guard let source = Self.peerAddress(envelope.remoteAddress) else { continue }
                                let bytes = Array(envelope.data.readableBytesView)
                                if receiveDelay > 0 {
                                    // Test-only latency: each datagram is handled later without
                                    // holding up the ones behind it.
                                    Task {
                                        try? await Task.sleep(for: .milliseconds(receiveDelay))
                                        await send(await driver.receive(bytes, from: source))
                                    }
                                    continue
                                }
                                await send(await driver.receive(bytes, from: source))
                            }
                        } catch {
                            return
                        }
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            await send(await driver.tick())
                            if await driver.storeLost != nil { return }
                            let pause = await driver.sleepMillis()
                            try? await Task.sleep(for: .milliseconds(max(5, pause)))
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
            await send(await driver.leave())
        }
        if let lost = await driver.storeLost { throw lost }
        logger.info("node stopped")
    }

    /// Signs a new endpoint entry unless the store already holds this node's current one.
    private func publishEndpoint(_ addresses: [NodeAddress]) throws -> SignedEntry {
        let now = NodeDriver.clock(options)
        return try store.write(.endpoint(EndpointInfo(addresses: addresses)), signingKey: signingKey, physicalMillis: now)
    }

    static func advertisedAddresses(options: NodeOptions, boundPort: UInt16) -> [NodeAddress] {
        if !options.advertise.isEmpty { return options.advertise }
        if let ip = IPText.parse(options.listenHost), !ip.allSatisfy({ $0 == 0 }) {
            return [NodeAddress(ip: ip, port: boundPort)]
        }
        return [
            NodeAddress(ip: [127, 0, 0, 1], port: boundPort),
            NodeAddress(ip: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], port: boundPort),
        ]
    }

    /// The UDP address of a datagram's source; IPv4-mapped IPv6 addresses become IPv4.
    static func peerAddress(_ address: SocketAddress) -> PeerAddress? {
        guard let port = address.port, let text = address.ipAddress, var ip = IPText.parse(text) else { return nil }
        if ip.count == 16, ip[0..<10].allSatisfy({ $0 == 0 }), ip[10] == 0xff, ip[11] == 0xff {
            ip = Array(ip[12..<16])
        }
        return PeerAddress(ip: ip, port: UInt16(port))
    }

    /// The socket address to send to; an IPv4 peer is written IPv4-mapped on an IPv6 socket.
    static func socketAddress(_ peer: PeerAddress, onIPv6: Bool) -> SocketAddress? {
        var ip = peer.ip
        if onIPv6 && ip.count == 4 { ip = [UInt8](repeating: 0, count: 10) + [0xff, 0xff] + ip }
        if !onIPv6 && ip.count == 16 { return nil }
        return try? SocketAddress(ipAddress: IPText.format(ip), port: Int(peer.port))
    }
}
