import Foundation
import GrapevineCore

/// One node per home: `grapevine run` holds an exclusive `flock` on `node.lock` in the home for
/// as long as it runs. Two nodes of one identity would each announce its membership at their own
/// port, and the one that stops would take the other's peers with it. The kernel releases the
/// lock when the process ends, however it ends (SIGKILL too), so a lock file left behind never
/// blocks the next start. CLI commands take no lock: they write through the store's transactions.
public final class HomeLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Takes the home's lock and writes this process's id into the lock file, or throws
    /// `HomeLockError.held` naming the process that holds it.
    public static func acquire(home: GrapevineHome) throws(HomeLockError) -> HomeLock {
        let path = home.lockFilePath
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io(path, errno: errno) }
        guard lockExclusive(descriptor) else {
            let failure = errno
            let holder = failure == EWOULDBLOCK ? Int32(readText(descriptor).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            close(descriptor)
            guard failure == EWOULDBLOCK else { throw .io(path, errno: failure) }
            throw .held(pid: holder)
        }
        let text = Array("\(getpid())\n".utf8)
        let written = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard ftruncate(descriptor, off_t(text.count)) == 0, written == text.count else {
            let failure = errno
            close(descriptor)
            throw .io(path, errno: failure)
        }
        return HomeLock(descriptor: descriptor)
    }

    /// Takes the exclusive lock, trying a few times over 50 ms: `holder(home:)` takes a shared
    /// lock for an instant to look, which must not make a starting node think another one runs.
    private static func lockExclusive(_ descriptor: Int32) -> Bool {
        for attempt in 0..<6 {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            guard errno == EWOULDBLOCK, attempt < 5 else { return false }
            usleep(10_000)
        }
        return false
    }

    /// The process id of the node that holds the home's lock, or nil when no node runs for the
    /// home (the lock is free, or there is no lock file). Whether a node runs, without relying on
    /// how recently it wrote anything: an idle node writes nothing.
    public static func holder(home: GrapevineHome) -> Int32? {
        let descriptor = open(home.lockFilePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return nil
        }
        guard errno == EWOULDBLOCK else { return nil }
        return Int32(readText(descriptor).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The lock file's text: the holder's process id (a few bytes).
    private static func readText(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
    }
}

/// Why `grapevine run` cannot take its home's lock.
public enum HomeLockError: Error, Equatable, Sendable {
    /// Another process runs a node for this home; its id, if it wrote one.
    case held(pid: Int32?)
    /// The lock file cannot be opened or locked (a read-only home, for instance).
    case io(String, errno: Int32)
}

extension HomeLockError {
    /// The error in the user's terms: which node holds the home, where it listens (from its
    /// status snapshot), and what to do.
    public func message(home: GrapevineHome) -> String {
        switch self {
        case .held(let pid):
            let status = NodeStatus.read(home: home).flatMap { $0.pid == pid ? $0 : nil }
            let process = pid.map { "pid \($0)" } ?? "another process"
            let listen = status.map { ", listening on \($0.listen)" } ?? ""
            let stop = pid.map { "stop it first (`kill \($0)`)" } ?? "stop it first"
            return "a node is already running for \(home.path) (\(process)\(listen)): only one node runs per home; "
                + "\(stop), or give this node its own home with --home DIR. "
                + "Other commands (card set, status, peer add…) work beside the running node"
        case .io(let path, let code):
            return "cannot lock \(path): \(String(cString: strerror(code))); check that the home is yours and writable"
        }
    }
}
