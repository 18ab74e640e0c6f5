#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a node keeps its identity and store: `--home DIR`, else `$GRAPEVINE_HOME`, else `~/.grapevine`.
///
/// The path is the user's text, kept as typed (relative, `.`, `..`, spaces, symbolic links) and
/// handed to the system calls as it is; only trailing slashes are dropped, so file names join with
/// one slash. No Foundation path function touches it: some of them trap on short relative paths.
public struct GrapevineHome: Sendable, Equatable {
    public static let environmentVariable = "GRAPEVINE_HOME"

    /// Every file a home holds, by its name there: the one place that names them.
    public enum File: String, CaseIterable, Sendable {
        /// The identity's private key (mode 0600): `init` writes it, every command reads it.
        case key = "identity.key"
        /// The SQLite store, in WAL mode (`-wal` and `-shm` beside it while it is open).
        case store = "store.sqlite"
        /// Held locked (flock) by the running node for as long as it runs: one node per home.
        case lock = "node.lock"
        /// The running node's snapshot for `grapevine status`, written when it changes (mode 0600).
        case status = "status.json"
        /// The peers the node verified, so a restarted node rejoins without an invite (mode 0600).
        case peers = "peers.json"
        /// The last sealing epoch (PROTOCOL.md §10.2), kept increasing across restarts.
        case epoch = "epoch"
        /// The running node's Unix datagram socket (mode 0600): commands wake it after a write.
        case wakeup = "node.sock"
        /// With `run --merge-log`: when each new entry was merged (benchmarks, fault harness).
        case mergeLog = "merge.log"
    }

    public let path: String

    public init(path: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        self.path = String(trimmed)
    }

    /// Resolves the home from an explicit option, the environment, then the user's home directory.
    public static func resolve(option: String?, environment: [String: String]) -> GrapevineHome {
        if let option, !option.isEmpty { return GrapevineHome(path: option) }
        if let env = environment[environmentVariable], !env.isEmpty { return GrapevineHome(path: env) }
        let base = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
        return GrapevineHome(path: base + "/.grapevine")
    }

    public var keyFilePath: String { path(of: .key) }
    public var storePath: String { path(of: .store) }
    public var lockFilePath: String { path(of: .lock) }

    /// The path of one of the home's files, joined with one slash.
    public func path(of file: File) -> String {
        (path.hasSuffix("/") ? path : path + "/") + file.rawValue
    }

    /// Creates the directory (mode 0700) if it does not exist yet, and the folders above it that
    /// are missing (mode 0755, as `mkdir -p` does).
    public func createDirectory() throws(KeyFileError) {
        let parts = path.split(separator: "/")
        var prefix = path.hasPrefix("/") ? "/" : ""
        for (index, part) in parts.enumerated() {
            if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
            prefix += part
            try Self.ensureDirectory(prefix, mode: index == parts.count - 1 ? 0o700 : 0o755)
        }
    }

    private static func ensureDirectory(_ path: String, mode: mode_t) throws(KeyFileError) {
        if mkdir(path, mode) == 0 { return }
        let code = errno
        guard code == EEXIST else { throw .cannotCreate(path, errno: code) }
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .notADirectory(path) }
            return
        }
        throw lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK ? .danglingLink(path) : .notADirectory(path)
    }

    public var exists: Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `identity.key` is there (whatever it holds).
    public var hasKeyFile: Bool {
        var st = stat()
        return lstat(keyFilePath, &st) == 0
    }

    /// Whether `store.sqlite` is there (whatever it holds).
    public var hasStore: Bool {
        var st = stat()
        return lstat(storePath, &st) == 0
    }
}
