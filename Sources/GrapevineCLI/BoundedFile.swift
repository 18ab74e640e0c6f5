#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file the user named, refusing it before reading when it is larger than a command
/// takes, so a stray 40 MB file costs one `fstat` rather than seconds and hundreds of megabytes.
/// The path goes to `open` as typed (no Foundation path handling, which can trap on short paths).
public enum BoundedFile {
    /// The bytes of the regular file at `path`, at most `limit` of them; `purpose` names the
    /// command in the refusal, such as "card import".
    public static func read(_ path: String, atMost limit: Int, purpose: String) throws(CLIError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CLIError("cannot read \(path) (\(reason)): check the path and that it is a readable file")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw CLIError("\(path) is not a regular file: give the path of a .vcf file")
        }
        let tooLarge = CLIError("\(path) is \(st.st_size) bytes; \(purpose) takes files of at most \(describe(limit)) (\(limit) bytes): export only the contact you want, without its photo")
        guard st.st_size <= limit else { throw tooLarge }
        // Read one byte past the limit, so a file that grew since `fstat` is refused too.
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress.map { $0 + count }, buffer.count - count)
            }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw CLIError("cannot read \(path) (\(String(cString: strerror(errno)))): check the file") }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else { throw tooLarge }
        return Array(bytes[0..<count])
    }

    /// `1 MiB`, `64 KiB`, or bytes.
    static func describe(_ bytes: Int) -> String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
