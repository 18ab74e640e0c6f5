#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a node keeps its identity and store: `--home DIR`, else `$GRAPEVINE_HOME`, else `~/.grapevine`.
public struct GrapevineHome: Sendable, Equatable {
    public static let environmentVariable = "GRAPEVINE_HOME"
    public static let keyFileName = "identity.key"
    public static let storeFileName = "store.sqlite"
    /// Held locked (flock) by the running node for as long as it runs: one node per home.
    public static let lockFileName = "node.lock"

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Resolves the home from an explicit option, the environment, then the user's home directory.
    public static func resolve(option: String?, environment: [String: String]) -> GrapevineHome {
        if let option, !option.isEmpty { return GrapevineHome(path: option) }
        if let env = environment[environmentVariable], !env.isEmpty { return GrapevineHome(path: env) }
        let base = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
        return GrapevineHome(path: base + "/.grapevine")
    }

    public var keyFilePath: String { path + "/" + Self.keyFileName }
    public var storePath: String { path + "/" + Self.storeFileName }
    public var lockFilePath: String { path + "/" + Self.lockFileName }

    /// Creates the directory (mode 0700) if it does not exist yet.
    public func createDirectory() throws(KeyFileError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .notADirectory(path) }
            return
        }
        guard mkdir(path, 0o700) == 0 else { throw .io(path, errno: errno) }
    }

    public var exists: Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
