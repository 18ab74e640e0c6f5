#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a `grapevine` command tells the running node of its home to act now rather than at its
/// next poll: one datagram on `node.sock`, a Unix datagram socket the node binds in the home
/// (mode 0600, in the home's 0700 directory, so only the home's owner can send to it). The
/// datagram is one byte, the reason; it carries no data, so a stray one costs a read of the
/// outbox at most. Without a running node there is no listener and the send simply fails.
public enum NodeWakeup {
    /// The longest path a Unix socket address holds (sun_path less its terminating zero). A
    /// home whose socket path is longer gets no socket; its node falls back to polling.
    public static let maxPathBytes = 107

    public enum Reason: UInt8, Sendable {
        /// The command queued entries in the outbox: read it now.
        case outbox = 1
        /// `status` is about to read the snapshot: write a fresh one now.
        case status = 2
    }

    public static func path(home: GrapevineHome) -> String { home.path(of: .wakeup) }

    /// Sends `reason` to the node of `home`; whether a node took it. Never blocks and never
    /// fails the command: without a node, the outbox waits for the next `grapevine run`.
    @discardableResult
    public static func send(_ reason: Reason, home: GrapevineHome) -> Bool {
        guard var address = socketAddress(path(home: home)) else { return false }
        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var byte = reason.rawValue
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, &byte, 1, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return sent == 1
    }

    /// Why the node has no wake-up socket.
    public enum BindError: Error, CustomStringConvertible {
        case pathTooLong(String)
        case failed(String, errno: Int32)

        public var description: String {
            switch self {
            case .pathTooLong(let path):
                return "\(path) is longer than a Unix socket address holds (\(NodeWakeup.maxPathBytes) bytes)"
            case .failed(let step, let code):
                return "\(step): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Binds a non-blocking datagram socket at `path` for the node, mode 0600, after removing a
    /// socket file left there (only one node runs per home).
    public static func bind(_ path: String) throws(BindError) -> Int32 {
        guard var address = socketAddress(path) else { throw .pathTooLong(path) }
        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { throw .failed("socket", errno: errno) }
        var st = stat()
        if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, chmod(path, 0o600) == 0 else {
            let code = errno
            close(descriptor)
            throw .failed("bind", errno: code)
        }
        return descriptor
    }

    /// The `sockaddr_un` of `path`, or nil when it does not fit.
    private static func socketAddress(_ path: String) -> sockaddr_un? {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= maxPathBytes else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
            raw[bytes.count] = 0
        }
        return address
    }
}
