import CSodium

/// One-time libsodium initialisation.
///
/// Every entry point of this module calls ``Sodium/ensureInitialized()`` first, so callers never
/// have to remember `sodium_init()`. libsodium itself makes repeated calls cheap and thread-safe.
public enum Sodium {
    private static let initialized: Bool = sodium_init() >= 0

    /// Initialises libsodium once per process. Traps only if the library cannot start at all,
    /// which means the machine has no usable randomness source: nothing sensible can run then.
    @inlinable
    public static func ensureInitialized() {
        precondition(isReady, "libsodium failed to initialise (sodium_init() < 0)")
    }

    public static var isReady: Bool { initialized }

    /// The libsodium version string, for diagnostics and benchmarks.
    public static var version: String {
        ensureInitialized()
        return String(cString: sodium_version_string())
    }

    /// `count` bytes from the operating system's CSPRNG.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialized()
        var out = [UInt8](repeating: 0, count: count)
        randombytes_buf(&out, count)
        return out
    }

    /// A uniformly random integer in `0..<upperBound`.
    public static func randomUniform(_ upperBound: UInt32) -> UInt32 {
        ensureInitialized()
        return randombytes_uniform(upperBound)
    }

    /// Overwrites `bytes` with zeros in a way the compiler cannot elide.
    public static func memzero(_ bytes: inout [UInt8]) {
        sodium_memzero(&bytes, bytes.count)
    }

    /// Constant-time comparison of two equally long byte strings.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return sodium_memcmp(a, b, a.count) == 0
    }
}
