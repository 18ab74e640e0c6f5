import Foundation

/// Fresh directories for test homes, stores and logs, each under the system's temporary directory
/// with a unique name. They are removed when the process exits, so no run leaves homes behind,
/// unless the caller keeps one (a fault lab keeps a failed scenario's files for a post-mortem).
public enum TemporaryDirectory {
    /// A unique path `PREFIX-…` that does not exist yet (for commands that must create it).
    public static func path(_ prefix: String, removedAtExit: Bool = true) -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(12))"
        if removedAtExit { Removal.shared.add(path) }
        return path
    }

    /// A unique directory `PREFIX-…`, created empty.
    public static func create(_ prefix: String, removedAtExit: Bool = true) throws -> String {
        let path = path(prefix, removedAtExit: removedAtExit)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// The paths to remove at exit, registered from any test's thread.
private final class Removal: @unchecked Sendable {
    // @unchecked: `paths` is only touched with `lock` held.
    static let shared = Removal()
    private let lock = NSLock()
    private var paths: [String] = []

    private init() {
        atexit { Removal.shared.removeAll() }
    }

    func add(_ path: String) {
        lock.lock()
        paths.append(path)
        lock.unlock()
    }

    func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
        paths = []
    }
}
