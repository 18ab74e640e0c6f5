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
    /// Tells the user, whatever the log level, where the node listens and what it advertises.
    let announce: @Sendable (String) -> Void

    public init(home: GrapevineHome, options: NodeOptions, signingKey: Ed25519.SigningKey, store: Store,
                invites: [Invite], logger: Logger, announce: @escaping @Sendable (String) -> Void = { _ in }) {
        self.home = home
        self.options = options
        self.signingKey = signingKey
        self.store = store
        self.invites = invites
        self.logger = logger
        self.announce = announce
    }

    public func run() async throws {
        let (socket, listenHost) = try openSocket()
        let sender: DatagramSender
        do {
            sender = try DatagramSender(duplicating: socket.descriptor, isIPv6: socket.isIPv6)
        } catch {
            close(socket.descriptor)
            throw error
        }
        defer { sender.close() }
        let channel = try await Self.wrap(socket.descriptor, logger: logger)
        let port = UInt16(channel.channel.localAddress?.port ?? Int(options.listenPort))
        var options = self.options
        options.listenHost = listenHost
        options.gossip.listensOnLoopback = channel.channel.localAddress.flatMap(PeerAddress.init)
            .map { UnusableAddress.isLoopback($0.ip) } ?? false
        let interfaces = LocalInterfaces.all()
        let network = LocalNetwork(interfaces: interfaces, extraPrivate: options.privatePrefixes)
        let advertised = Self.advertisedAddresses(options: options, boundPort: port, interfaces: interfaces,
                                                  network: network, isIPv6: socket.isIPv6)
        let endpoint = try publishEndpoint(advertised)
        let receiveDelay = options.receiveDelayMillis
        let listenText = Self.hostPort(listenHost, port)
        let driver = NodeDriver(
            home: home, options: options, signingKey: signingKey, store: store, endpoint: endpoint,
            advertised: advertised, network: network, listenDescription: listenText, logger: logger)
        let addressText = advertised.map { address in
            "\(PeerAddress(address).map { "\($0)" } ?? "-") (\(address.origin.map { "\($0)" } ?? "unsaid"))"
        }
        logger.info("node running", metadata: [
            "identity": "\(PublicIdentity(signingKey).text)", "listen": "\(listenText)",
            "advertise": "\(addressText.joined(separator: ", "))",
        ])
        announce("listening on \(listenText); advertising \(addressText.joined(separator: ", "))")
        if !options.gossip.listensOnLoopback, advertised.allSatisfy({ UnusableAddress.isLoopback($0.ip) }) {
            // A node that does not listen on loopback sends nothing to loopback (PROTOCOL.md §11.3),
            // not even answers, so nobody could reach it at what it advertises.
            let warning = """
                no other node can reach this one: it advertises only loopback addresses but listens on \
                \(listenText); pass --advertise HOST:PORT with an address peers reach, \
                or --listen 127.0.0.1:PORT for nodes on this machine only
                """
            logger.warning("\(warning)")
            announce("warning: " + warning)
        }

        let discovery = await openDiscovery(driver: driver)
        let wakeup = WakeupListener.open(home: home, logger: logger)
        try await channel.executeThenClose { inbound, _ in
            @Sendable func send(_ datagrams: [OutgoingDatagram]) async {
                for datagram in datagrams {
                    switch await Self.send(datagram, with: sender) {
                    case .sent, .closed:
                        break
                    case .failed(let code):
                        await driver.sendFailed(DatagramSender.name(code), to: datagram.address)
                    case .ipv6OnIPv4Socket:
                        await driver.sendFailed("refused:ipv6-on-ipv4-socket", to: datagram.address)
                    }
                }
            }
            await send(await driver.join(invites))
            var woken: Task<Void, Never>?
            if let reasons = wakeup?.reasons {
                woken = Task { for await reason in reasons { await send(await driver.wake(reason)) } }
            }
            await cancelWhenGracefulShutdown {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await envelope in inbound {
                                guard let source = PeerAddress(envelope.remoteAddress) else { continue }
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
                    if let discovery {
                        group.addTask {
                            await Self.runDiscovery(discovery.socket, channels: discovery.channels, driver: driver, send: send)
                        }
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            await send(await driver.tick())
                            if await driver.storeLost != nil { return }
                            let pause = await driver.sleepMillis()
                            await driver.tickAlarm.sleep(millis: max(5, pause))
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
            woken?.cancel()
            wakeup?.close()
            await send(await driver.leave())
        }
        if let lost = await driver.storeLost { throw lost }
        logger.info("node stopped")
    }

    /// The bound socket, and the host it listens on. The default `::` falls back to `0.0.0.0`
    /// when this host has no IPv6 (it does not resolve, or the kernel has no IPv6 sockets), so a
    /// node starts with no `--listen` on an IPv4-only host.
    private func openSocket() throws -> (socket: (descriptor: CInt, isIPv6: Bool), host: String) {
        do {
            return (try DatagramSocket.open(host: options.listenHost, port: options.listenPort), options.listenHost)
        } catch {
            guard options.listenHost == "::", Self.meansNoIPv6(error) else { throw error }
            logger.warning("this host has no IPv6: listening on IPv4 only", metadata: [
                "listen": "\(Self.hostPort("0.0.0.0", options.listenPort))", "reason": "\(error)",
            ])
            return (try DatagramSocket.open(host: "0.0.0.0", port: options.listenPort), "0.0.0.0")
        }
    }

    /// Hands the bound socket to NIO for reading, behind a `ReceiveErrorAbsorber`.
    ///
    /// The future-based `withBoundSocket`, because the async one of swift-nio 2.101.3 calls the
    /// `Channel` protocol's `registerAlreadyConfigured0`, which always fails ("operation unsupported").
    static func wrap(_ descriptor: CInt, logger: Logger) async throws -> NodeChannel {
        let group = MultiThreadedEventLoopGroup.singleton
        let wrapped = group.next().makePromise(of: NodeChannel.self)
        do {
            _ = try await DatagramBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ReceiveErrorAbsorber(logger: logger))
                        wrapped.completeWith(Result { try NodeChannel(wrappingChannelSynchronously: channel) })
                    }
                }
                .withBoundSocket(descriptor).get()
        } catch {
            wrapped.fail(error)
            throw error
        }
        return try await wrapped.futureResult.get()
    }

    typealias NodeChannel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    /// Whether a failure to listen on `::` says that IPv6 is unavailable here.
    static func meansNoIPv6(_ error: any Error) -> Bool {
        if error is SocketAddressError.UnknownHost { return true }
        guard let error = error as? IOError else { return false }
        return [EAFNOSUPPORT, EPROTONOSUPPORT, EADDRNOTAVAIL].contains(error.errnoCode)
    }

    /// Sends one datagram; a full socket buffer is waited out for a few milliseconds.
    static func send(_ datagram: OutgoingDatagram, with sender: DatagramSender) async -> DatagramSender.Outcome {
        var outcome = sender.send(datagram.bytes, to: datagram.address)
        for _ in 0..<20 {
            guard case .failed(let code) = outcome, code == EAGAIN || code == ENOBUFS else { break }
            try? await Task.sleep(for: .milliseconds(1))
            outcome = sender.send(datagram.bytes, to: datagram.address)
        }
        return outcome
    }

    static func hostPort(_ host: String, _ port: UInt16) -> String {
        "\(host):\(port)"
    }

    /// Signs a new endpoint entry unless the store already holds this node's current one.
    private func publishEndpoint(_ addresses: [NodeAddress]) throws -> SignedEntry {
        try store.write(.endpoint(EndpointInfo(addresses: addresses)), signingKey: signingKey,
                        physicalMillis: options.clock.wallMillis())
    }

    /// What the node publishes (PROTOCOL.md §5.4): the `--advertise` addresses as forwarded ones;
    /// else a specific listen address, or on a wildcard every interface address (loopback only
    /// when there is nothing else), leaving room for an observed address.
    static func advertisedAddresses(options: NodeOptions, boundPort: UInt16, interfaces: [IPPrefix],
                                    network: LocalNetwork, isIPv6: Bool) -> [NodeAddress] {
        if !options.advertise.isEmpty {
            return options.advertise.map { NodeAddress(ip: $0.ip, port: $0.port, origin: .forwarded) }
        }
        if let ip = IPText.parse(options.listenHost), !ip.allSatisfy({ $0 == 0 }) {
            return [NodeAddress(ip: ip, port: boundPort, origin: .interface)]
        }
        return LocalInterfaces.advertised(interfaces, network: network, port: boundPort, includeIPv6: isIPv6,
                                          limit: Limits.maxAddresses - 1)
    }
}
