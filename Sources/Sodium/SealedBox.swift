import CSodium

/// libsodium's sealed box (`crypto_box_seal`): a message only the holder of an X25519 secret key
/// can open, from a sender who stays anonymous to the box.
///
/// The construction is libsodium's own: an ephemeral key pair `(epk, esk)`, nonce =
/// BLAKE2b-192(epk ‖ recipient), output = epk ‖ `crypto_box_easy`(message, nonce, recipient, esk).
/// Sealing takes the ephemeral seed from the caller so that test vectors are reproducible; real
/// callers pass fresh randomness. Opening is `crypto_box_seal_open` itself.
public enum SealedBox {
    public static let overhead = 48
    public static let ephemeralSeedLength = 32

    /// The sealed box of `message` to `recipient` (an X25519 public key). Nil for a recipient key
    /// of the wrong length or one libsodium refuses, or a seed of the wrong length.
    public static func seal(_ message: [UInt8], to recipient: [UInt8], ephemeralSeed: [UInt8]) -> [UInt8]? {
        guard recipient.count == X25519.keyLength, ephemeralSeed.count == ephemeralSeedLength else { return nil }
        Sodium.ensureInitialized()
        var epk = [UInt8](repeating: 0, count: X25519.keyLength)
        var esk = [UInt8](repeating: 0, count: X25519.keyLength)
        defer { Sodium.memzero(&esk) }
        guard crypto_box_seed_keypair(&epk, &esk, ephemeralSeed) == 0 else { return nil }
        let nonce = BLAKE2b.hash(epk, recipient, outputLength: 24)
        var boxed = [UInt8](repeating: 0, count: message.count + X25519.macLength)
        guard crypto_box_easy(&boxed, message, UInt64(message.count), nonce, recipient, esk) == 0 else { return nil }
        return epk + boxed
    }

    /// The message inside `sealed`, or nil when it was not sealed to this key pair or was altered.
    public static func open(_ sealed: [UInt8], publicKey: [UInt8], secretKey: [UInt8]) -> [UInt8]? {
        guard sealed.count >= overhead, publicKey.count == X25519.keyLength, secretKey.count == X25519.keyLength else {
            return nil
        }
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: sealed.count - overhead)
        let rc = crypto_box_seal_open(&out, sealed, UInt64(sealed.count), publicKey, secretKey)
        return rc == 0 ? out : nil
    }
}
