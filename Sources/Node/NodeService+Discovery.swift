import Foundation
import GossipEngine
import GrapevineCore
import Logging
import NIOCore

extension NodeService {
    /// The discovery sockets for `--discover`, handed to NIO for reading; nil, with a warning
    /// that says why, when they cannot be opened (the node then runs without discovery).
    func openDiscovery(driver: NodeDriver) async -> (socket: DiscoverySocket, channels: [NodeChannel])? {
        guard options.discover else { return nil }
        let socket: DiscoverySocket
        var channels: [NodeChannel] = []
        do {
            socket = try DiscoverySocket(port: options.discoveryPort)
            for descriptor in socket.descriptors { channels.append(try await Self.wrap(descriptor, logger: logger)) }
        } catch {
            let warning = "discovery is off: its multicast sockets could not be opened (\(error)); " +
                "check that an interface is up with MULTICAST and that udp/\(options.discoveryPort) is free"
            logger.warning("\(warning)")
            announce("warning: " + warning)
            return nil
        }
        let names = socket.interfaceNames
        await driver.startDiscovery(groups: DiscoverySocket.groupsText(port: socket.port), interfaces: names,
                                    intervalMillis: options.discoveryIntervalMillis)
        announce("discovery on: announcing on \(names.isEmpty ? "no interface (none can multicast)" : names.joined(separator: ", "))")
        return (socket, channels)
    }

    /// Reads announcements from every discovery channel and sends this node's own when due,
    /// until cancelled.
    static func runDiscovery(_ socket: DiscoverySocket, channels: [NodeChannel], driver: NodeDriver,
                             send: @escaping @Sendable ([OutgoingDatagram]) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for channel in channels {
                group.addTask {
                    try? await channel.executeThenClose { inbound, _ in
                        for try await envelope in inbound {
                            guard let source = PeerAddress(envelope.remoteAddress) else { continue }
                            await send(await driver.discovered(Array(envelope.data.readableBytesView), from: source))
                        }
                    }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    if let announcement = await driver.dueAnnouncement() {
                        let failures = socket.send(announcement)
                        if !failures.isEmpty { await driver.announcementFailed(failures.map(DatagramSender.name)) }
                    }
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
