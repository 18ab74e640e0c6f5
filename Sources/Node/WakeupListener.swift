import Dispatch
import Foundation
import GrapevineCore
import Logging

/// The node's end of `NodeWakeup`: it binds `node.sock` in the home (mode 0600) and hands each
/// one-byte datagram's reason to the node, so a command's write reaches the node at once instead
/// of at the next outbox poll, which stays only as a slow fallback. Only one node runs per home
/// (`HomeLock`), so a socket file left by a node that was killed is removed and bound anew.
///
/// A plain socket under a dispatch read source: the senders are unbound (unnamed) sockets, whose
/// empty source address NIO's datagram channel does not take.
final class WakeupListener {
    let reasons: AsyncStream<NodeWakeup.Reason>
    let path: String
    private let source: any DispatchSourceRead

    private init(reasons: AsyncStream<NodeWakeup.Reason>, path: String, source: any DispatchSourceRead) {
        self.reasons = reasons
        self.path = path
        self.source = source
    }

    /// Binds the home's socket, or returns nil (logged) when it cannot: the node then works on
    /// the outbox poll alone.
    static func open(home: GrapevineHome, logger: Logger) -> WakeupListener? {
        let path = NodeWakeup.path(home: home)
        let descriptor: Int32
        do {
            descriptor = try NodeWakeup.bind(path)
        } catch {
            logger.warning("no wake-up socket: commands' writes reach the node at its next outbox poll",
                           metadata: ["socket": "\(path)", "error": "\(error)"])
            return nil
        }
        let (reasons, continuation) = AsyncStream.makeStream(of: NodeWakeup.Reason.self, bufferingPolicy: .bufferingNewest(8))
        let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: DispatchQueue(label: "grapevine.wakeup"))
        source.setEventHandler {
            var byte: UInt8 = 0
            // Every datagram waiting is read; a reason repeated in one burst is passed on once.
            var seen: [NodeWakeup.Reason] = []
            while recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT)) >= 0 {
                guard let reason = NodeWakeup.Reason(rawValue: byte), !seen.contains(reason) else { continue }
                seen.append(reason)
                continuation.yield(reason)
            }
        }
        source.setCancelHandler {
            Glibc.close(descriptor)
            continuation.finish()
        }
        source.resume()
        return WakeupListener(reasons: reasons, path: path, source: source)
    }

    /// Closes the socket and removes its file, so no command sends to a node that has stopped.
    func close() {
        unlink(path)
        source.cancel()
    }
}
