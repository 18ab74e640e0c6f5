import CSodium

/// Ed25519 signatures as libsodium 1.0.18 implements them.
///
/// Verification rejects a non-canonical `S` (not below the group order), a small-order `R`,
/// and a small-order or non-canonical public key, before it checks the (cofactorless) equation.
public enum Ed25519 {
    public static let seedLength = 32
    public static let publicKeyLength = 32
    public static let secretKeyLength = 64
    public static let signatureLength = 64

    /// A signing key. The 64-byte libsodium secret key (seed ‖ public key) is wiped on release.
    public final class SigningKey: @unchecked Sendable {
        // Immutable after init; only read afterwards, so sharing across threads is safe.
        private var secret: [UInt8]
        public let publicKey: [UInt8]

        /// Derives the key pair from a 32-byte seed. Returns nil for a seed of the wrong length.
        public init?(seed: [UInt8]) {
            guard seed.count == Ed25519.seedLength else { return nil }
            Sodium.ensureInitialized()
            var pk = [UInt8](repeating: 0, count: Ed25519.publicKeyLength)
            var sk = [UInt8](repeating: 0, count: Ed25519.secretKeyLength)
            let rc = crypto_sign_seed_keypair(&pk, &sk, seed)
            guard rc == 0 else { return nil }
            self.secret = sk
            self.publicKey = pk
        }

        /// A fresh key pair from the system's randomness. Returns the seed so it can be stored.
        public static func generate() -> (key: SigningKey, seed: [UInt8]) {
            var seed = Sodium.randomBytes(Ed25519.seedLength)
            defer { Sodium.memzero(&seed) }
            // A 32-byte seed is always accepted by crypto_sign_seed_keypair.
            guard let key = SigningKey(seed: seed) else {
                preconditionFailure("crypto_sign_seed_keypair rejected a 32-byte seed")
            }
            return (key, seed)
        }

        /// The 32-byte seed this key was derived from (the first half of libsodium's secret key).
        public var seed: [UInt8] { Array(secret[0..<Ed25519.seedLength]) }

        /// A detached signature over `message`.
        public func sign(_ message: [UInt8]) -> [UInt8] {
            var sig = [UInt8](repeating: 0, count: Ed25519.signatureLength)
            _ = crypto_sign_detached(&sig, nil, message, UInt64(message.count), secret)
            return sig
        }

        /// The X25519 secret key for this identity, for sealing datagrams.
        public func x25519SecretKey() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: X25519.keyLength)
            _ = crypto_sign_ed25519_sk_to_curve25519(&out, secret)
            return out
        }

        deinit {
            Sodium.memzero(&secret)
        }
    }

    /// Verifies a detached signature. Wrong lengths verify as false, never trap.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == signatureLength, publicKey.count == publicKeyLength else { return false }
        Sodium.ensureInitialized()
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    /// Verifies a signature over `prefix ‖ message` without concatenating the two in the caller.
    public static func verify(
        signature: [UInt8], prefix: [UInt8], message: ArraySlice<UInt8>, publicKey: [UInt8]
    ) -> Bool {
        var joined = prefix
        joined.append(contentsOf: message)
        return verify(signature: signature, message: joined, publicKey: publicKey)
    }

    /// The reasons libsodium 1.0.18 rejects a signature before the curve equation, so that
    /// callers can report a precise error. `nil` means none of them applies.
    public enum StructuralFault: String, Sendable {
        case nonCanonicalS = "non-canonical-s"
        case smallOrderR = "small-order-r"
        case smallOrderKey = "small-order-key"
        case invalidKey = "invalid-key"
    }

    /// Classifies why a signature would be rejected before the curve equation, in libsodium 1.0.18's
    /// order (PROTOCOL.md §3.3, V1–V4). `nil` means only the equation is left to check.
    public static func structuralFault(signature: [UInt8], publicKey: [UInt8]) -> StructuralFault? {
        guard signature.count == signatureLength, publicKey.count == publicKeyLength else { return .invalidKey }
        Sodium.ensureInitialized()
        if !isCanonicalScalar(Array(signature[32..<64])) { return .nonCanonicalS }
        if hasSmallOrder(Array(signature[0..<32])) { return .smallOrderR }
        if hasSmallOrder(publicKey) { return .smallOrderKey }
        if !isCanonicalPointEncoding(publicKey) || !decodesToCurvePoint(publicKey) { return .invalidKey }
        return nil
    }

    /// True when the encoded y coordinate (bit 255 cleared) is below p = 2^255 - 19.
    static func isCanonicalPointEncoding(_ point: [UInt8]) -> Bool {
        guard point[31] & 0x7f == 0x7f, point[1..<31].allSatisfy({ $0 == 0xff }) else { return true }
        return point[0] < 0xed
    }

    /// True when the encoding decodes to a point on the curve. libsodium 1.0.18's verify does not
    /// require the prime-order subgroup, so neither does this: `crypto_core_ed25519_add` decodes
    /// and checks the curve equation only.
    static func decodesToCurvePoint(_ point: [UInt8]) -> Bool {
        var sum = [UInt8](repeating: 0, count: 32)
        return crypto_core_ed25519_add(&sum, point, basePoint) == 0
    }

    /// The encoding of the base point B.
    static let basePoint: [UInt8] = [
        0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
        0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    ]

    /// The group order L, little-endian.
    static let groupOrder: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    /// True when the little-endian scalar is below L.
    static func isCanonicalScalar(_ s: [UInt8]) -> Bool {
        for i in stride(from: 31, through: 0, by: -1) {
            if s[i] < groupOrder[i] { return true }
            if s[i] > groupOrder[i] { return false }
        }
        return false
    }

    /// The encodings libsodium 1.0.18 treats as small order (its blocklist in `ge25519_has_small_order`):
    /// the points of order 1, 2, 4 and 8 and their non-canonical encodings, ignoring the sign bit.
    static let smallOrderEncodings: [[UInt8]] = [
        // 0 (order 4)
        [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
         0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
        // 1 (order 1)
        [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
         0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
        // 2707385501144840649318225287225658788936804267575313519463743609750303402022 (order 8)
        [0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
         0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05],
        // 55188659117513257062467267217118295137698188065244968500265048394206261417927 (order 8)
        [0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
         0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a],
        // p-1 (order 2)
        [0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
        // p (=0, order 4)
        [0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
        // p+1 (=1, order 1)
        [0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
    ]

    /// Matches libsodium 1.0.18's `ge25519_has_small_order`: the sign bit (bit 255) is ignored.
    static func hasSmallOrder(_ point: [UInt8]) -> Bool {
        var p = point
        p[31] &= 0x7f
        return smallOrderEncodings.contains(p)
    }
}
