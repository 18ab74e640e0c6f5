#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GossipEngine
import GrapevineCore
import SealedDatagrams
import Sodium

/// A peer that speaks the wire format but not the protocol's manners: it seals gossip messages
/// carrying whatever entries it is given and sends them at a fixed rate, without waiting for
/// answers. The crash, flood and liar scenarios run it inside a lab host.
public struct PeerEmulator {
    var sealer: DatagramSealer
    let socket: UDPSender

    /// - Parameters:
    ///   - epoch: the nonce epoch; a fresh one per run keeps the node's replay window from
    ///     refusing a second run with the same key.
    ///   - source: the local IPv4 address to send from.
    public init(signingKey: Ed25519.SigningKey, epoch: UInt64, source: String) throws {
        sealer = DatagramSealer(signingKey: signingKey, epoch: epoch)
        socket = try UDPSender(source: source)
    }

    /// Packs items (entries, membership updates) into as few gossip messages as fit the sealed
    /// payload budget, in order.
    public static func pack<Item>(_ items: [Item], into field: WritableKeyPath<GossipMessage, [Item]>) -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        var message = GossipMessage()
        for item in items {
            message[keyPath: field].append(item)
            if message.encoded().count > Limits.payloadBudget, message[keyPath: field].count > 1 {
                message[keyPath: field].removeLast()
                payloads.append(message.encoded())
                message = GossipMessage()
                message[keyPath: field] = [item]
            }
        }
        if !message[keyPath: field].isEmpty { payloads.append(message.encoded()) }
        return payloads
    }

    /// Seals one payload to `recipient`; nil if it does not fit a datagram.
    public mutating func seal(_ payload: [UInt8], to recipient: PublicIdentity) -> [UInt8]? {
        sealer.seal(payload, to: recipient)
    }

    public func send(_ datagram: [UInt8], to address: String, port: UInt16) -> Bool {
        socket.send(datagram, to: address, port: port)
    }
}

/// Paces work at a fixed rate: item i is due `i / rate` seconds after the start.
public struct Pacer {
    let start = Date()
    let rate: Double

    public init(perSecond rate: Double) {
        self.rate = rate
    }

    /// Sleeps until item `index` is due.
    public func wait(for index: Int) {
        let due = start.addingTimeInterval(Double(index) / rate)
        let ahead = due.timeIntervalSinceNow
        if ahead > 0.0005 { usleep(useconds_t(ahead * 1_000_000)) }
    }
}

/// A plain IPv4 UDP socket bound to one local address: the emulator needs no event loop.
public final class UDPSender: @unchecked Sendable {
    // @unchecked: the descriptor is only written at init and closed at deinit.
    let fd: Int32

    public init(source: String) throws {
        fd = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket(): errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        guard inet_pton(AF_INET, source, &address.sin_addr) == 1 else {
            close(fd)
            throw HarnessError("\(source) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw HarnessError("cannot bind \(source): errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Sends one datagram; false if the kernel refused it (for example an ICMP error queued on the socket).
    public func send(_ bytes: [UInt8], to host: String, port: UInt16) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return sent == bytes.count
    }
}
