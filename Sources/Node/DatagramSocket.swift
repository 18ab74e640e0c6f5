#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GossipEngine
import GrapevineCore
import Logging
import NIOCore

/// The node's UDP socket, opened here rather than by `DatagramBootstrap.bind`, so the node can
/// write on it with a plain `sendto` (`DatagramSender`) while NIO reads from it.
enum DatagramSocket {
    /// A UDP socket bound to `host`:`port`, for `DatagramBootstrap.withBoundSocket`.
    /// Broadcast stays off (SO_BROADCAST unset), so the kernel refuses every broadcast address,
    /// subnet-directed ones included (PROTOCOL.md §11.3).
    ///
    /// - Throws: NIO's `SocketAddressError` for a host that does not resolve, and `IOError` with
    ///   the errno of the failed call, which `ListenFailure` puts into words.
    static func open(host: String, port: UInt16) throws -> (descriptor: CInt, isIPv6: Bool) {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: Int(port))
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            if family == AF_INET6 { try set(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0) }
            try set(descriptor, SOL_SOCKET, SO_RCVBUF, 1 << 21)
            try set(descriptor, SOL_SOCKET, SO_SNDBUF, 1 << 21)
            let bound = address.withSockAddr { pointer, length in bind(descriptor, pointer, socklen_t(length)) }
            guard bound == 0 else { throw IOError(errnoCode: errno, reason: "bind") }
            return (descriptor, family == AF_INET6)
        } catch {
            close(descriptor)
            throw error
        }
    }

    private static func set(_ descriptor: CInt, _ level: Int32, _ name: Int32, _ value: CInt) throws {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
            throw IOError(errnoCode: errno, reason: "setsockopt")
        }
    }
}

/// Writes datagrams on the node's socket with `sendto`, so that a failed send is a result.
///
/// NIO's datagram channel closes itself on any send error but EMSGSIZE and EHOSTUNREACH
/// (`PendingDatagramWritesManager` rethrows the error, `BaseSocketChannel.flushNow` closes the
/// channel), and `NIOAsyncChannelOutboundWriter` writes without a promise, so the caller sees no
/// error: the inbound sequence just ends, and the node with it. A peer chooses the addresses in its
/// signed endpoint, so one address the kernel refuses (a broadcast: EACCES) would stop every node
/// that pings it. This sender owns a duplicate of the socket's descriptor, so it sends from the
/// node's own port and closes its descriptor itself.
final class DatagramSender: @unchecked Sendable {
    // @unchecked: `descriptor` and `isOpen` are read and changed only under `lock`.
    private let lock = NSLock()
    private var descriptor: CInt
    private var isOpen = true
    let isIPv6: Bool

    /// - Parameter socket: the bound socket; it is duplicated, and stays the caller's.
    init(duplicating socket: CInt, isIPv6: Bool) throws {
        descriptor = fcntl(socket, F_DUPFD_CLOEXEC, 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "dup") }
        self.isIPv6 = isIPv6
    }

    deinit { close() }

    enum Outcome: Equatable, Sendable {
        case sent
        /// The kernel refused the datagram with this errno; the socket is unaffected.
        case failed(CInt)
        /// An IPv6 address cannot be written on an IPv4 socket.
        case ipv6OnIPv4Socket
        /// The node is stopping: its sender is closed.
        case closed
    }

    /// Sends one datagram without blocking.
    func send(_ bytes: [UInt8], to peer: PeerAddress) -> Outcome {
        guard let address = SocketAddress(peer, onIPv6: isIPv6) else { return .ipv6OnIPv4Socket }
        return lock.withLock {
            guard isOpen else { return .closed }
            let sent = bytes.withUnsafeBytes { buffer in
                address.withSockAddr { pointer, length in
                    sendto(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), pointer, socklen_t(length))
                }
            }
            return sent >= 0 ? .sent : .failed(errno)
        }
    }

    /// Closes the duplicate descriptor; later sends return `.closed`.
    func close() {
        lock.withLock {
            guard isOpen else { return }
            isOpen = false
            _ = Glibc.close(descriptor)
        }
    }

    /// `EACCES`, `ENETUNREACH` …: the errno's symbolic name, for counters and logs.
    static func name(_ code: CInt) -> String {
        let names: [CInt: String] = [
            EACCES: "EACCES", EPERM: "EPERM", ENETUNREACH: "ENETUNREACH", EHOSTUNREACH: "EHOSTUNREACH",
            EMSGSIZE: "EMSGSIZE", EINVAL: "EINVAL", EADDRNOTAVAIL: "EADDRNOTAVAIL", EAFNOSUPPORT: "EAFNOSUPPORT",
            EAGAIN: "EAGAIN", ENOBUFS: "ENOBUFS", ECONNREFUSED: "ECONNREFUSED", ENETDOWN: "ENETDOWN",
            EHOSTDOWN: "EHOSTDOWN", ENOMEM: "ENOMEM",
        ]
        return names[code] ?? "errno-\(code)"
    }
}

/// Sits before `NIOAsyncChannel`'s handler and keeps errors from it: that handler ends the
/// inbound sequence on any error, even one after which the channel stays open (a read that
/// reports ECONNREFUSED from an earlier ICMP error). Errors that close the channel still close it.
final class ReceiveErrorAbsorber: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias InboundOut = AddressedEnvelope<ByteBuffer>

    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("socket error, still receiving", metadata: ["error": "\(error)"])
    }
}
