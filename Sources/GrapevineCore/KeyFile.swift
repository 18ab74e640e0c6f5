#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sodium

/// The secret seed of a node's identity, on disk.
///
/// The file holds one line, `grapevine-ed25519-seed-v1 <64 hex digits>`, and is created with
/// mode 0600. Like ssh, loading refuses a file that the group or others can read.
public enum KeyFile {
    static let header = "grapevine-ed25519-seed-v1"

    /// Creates a new identity at `path`. Refuses to overwrite an existing file.
    public static func create(at path: String) throws(KeyFileError) -> Ed25519.SigningKey {
        let (key, seed) = Ed25519.SigningKey.generate()
        try write(seed: seed, to: path)
        return key
    }

    /// Writes `seed` to a new file at `path` with mode 0600, atomically with respect to other creators.
    public static func write(seed: [UInt8], to path: String) throws(KeyFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { throw .alreadyExists(path) }
            throw .io(path, errno: errno)
        }
        defer { close(fd) }
        var line = Array("\(header) \(Hex.encode(seed))\n".utf8)
        defer { Sodium.memzero(&line) }
        let written = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else { throw .io(path, errno: errno) }
    }

    /// Loads the identity at `path`, checking its permissions first.
    public static func load(from path: String) throws(KeyFileError) -> Ed25519.SigningKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { throw .missing(path) }
            throw .io(path, errno: errno)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(path, errno: errno) }
        let mode = st.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw .tooOpen(path, mode: mode) }
        var buffer = [UInt8](repeating: 0, count: 256)
        defer { Sodium.memzero(&buffer) }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { throw .malformed(path) }
        var text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingWhitespace()
        let parts = text.split(separator: " ")
        text = ""
        guard parts.count == 2, parts[0] == header, var seed = Hex.decode(String(parts[1])),
              seed.count == Ed25519.seedLength
        else { throw .malformed(path) }
        defer { Sodium.memzero(&seed) }
        guard let key = Ed25519.SigningKey(seed: seed) else { throw .malformed(path) }
        return key
    }
}

/// What can go wrong with a key file or home directory. Each message says what to do.
public enum KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(String)
    case alreadyExists(String)
    case tooOpen(String, mode: mode_t)
    case malformed(String)
    case notADirectory(String)
    case danglingLink(String)
    case cannotCreate(String, errno: Int32)
    case io(String, errno: Int32)

    public var description: String {
        switch self {
        case .missing(let path):
            return "no identity at \(path): run `grapevine init` first, or pass --home"
        case .alreadyExists(let path):
            return "an identity already exists at \(path); it is never overwritten (use another --home for a new one)"
        case .tooOpen(let path, let mode):
            return "permissions \(String(mode, radix: 8)) for \(path) are too open: the key must be readable by its owner only; run `chmod 600 \(path)`"
        case .malformed(let path):
            return "\(path) is not a Grapevine key file; restore it from a backup or create a new home with `grapevine init`"
        case .notADirectory(let path):
            return "\(path) exists and is not a directory; choose another --home"
        case .danglingLink(let path):
            return "\(path) is a symbolic link to nothing: create the folder it points to, or choose another --home"
        case .cannotCreate(let path, let code):
            return "cannot create the folder \(path) (\(String(cString: strerror(code)))): choose a --home in a writable folder"
        case .io(let path, let code):
            return "\(path): \(String(cString: strerror(code)))"
        }
    }
}
