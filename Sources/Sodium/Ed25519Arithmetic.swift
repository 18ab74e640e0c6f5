import CSodium

/// Raw Ed25519 group and scalar arithmetic.
///
/// Nodes never need it: it exists to build the negative test vectors, signatures that satisfy
/// the curve equation yet must be refused (small-order points, non-canonical scalars).
public enum Ed25519Arithmetic {
    /// `x mod L` for a 64-byte little-endian integer.
    public static func reduce(wide x: [UInt8]) -> [UInt8] {
        precondition(x.count == 64, "reduce takes 64 bytes")
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&out, x)
        return out
    }

    /// `x · y mod L`.
    public static func multiply(_ x: [UInt8], _ y: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_mul(&out, x, y)
        return out
    }

    /// `[n]B` without clamping `n`; nil when the result is the identity.
    public static func baseMultiply(_ n: [UInt8]) -> [UInt8]? {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: 32)
        return crypto_scalarmult_ed25519_base_noclamp(&out, n) == 0 ? out : nil
    }

    /// The point `p + q`; nil when either is not a point on the curve.
    public static func add(_ p: [UInt8], _ q: [UInt8]) -> [UInt8]? {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: 32)
        return crypto_core_ed25519_add(&out, p, q) == 0 ? out : nil
    }

    /// `x + y mod L`.
    public static func addScalars(_ x: [UInt8], _ y: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_add(&out, x, y)
        return out
    }

    /// SHA-512, the hash inside Ed25519.
    public static func sha512(_ message: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: 64)
        crypto_hash_sha512(&out, message, UInt64(message.count))
        return out
    }

    /// `a + b` as 256-bit little-endian integers, wrapping: used to make a non-canonical `S + L`.
    public static func addWrapping(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var carry: UInt16 = 0
        for i in 0..<32 {
            let sum = UInt16(a[i]) + UInt16(b[i]) + carry
            out[i] = UInt8(truncatingIfNeeded: sum)
            carry = sum >> 8
        }
        return out
    }

    /// The group order L, little-endian.
    public static var groupOrder: [UInt8] { Ed25519.groupOrder }
}
