import CSodium

/// The X25519 side of an identity, and the `crypto_box` shared key derived from two of them.
public enum X25519 {
    public static let keyLength = 32
    public static let sharedKeyLength = 32
    public static let nonceLength = 24
    public static let macLength = 16

    /// Converts an Ed25519 public key to its X25519 form. Nil for keys libsodium refuses
    /// (small order, not on the curve).
    public static func publicKey(fromEd25519 ed: [UInt8]) -> [UInt8]? {
        guard ed.count == Ed25519.publicKeyLength else { return nil }
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: keyLength)
        let rc = crypto_sign_ed25519_pk_to_curve25519(&out, ed)
        return rc == 0 ? out : nil
    }

    /// `crypto_box_beforenm`: the precomputed key shared by our secret and their public key.
    /// Nil when the peer's key yields a weak (all-zero) shared secret.
    public static func sharedKey(theirPublicKey: [UInt8], ourSecretKey: [UInt8]) -> [UInt8]? {
        guard theirPublicKey.count == keyLength, ourSecretKey.count == keyLength else { return nil }
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: sharedKeyLength)
        let rc = crypto_box_beforenm(&out, theirPublicKey, ourSecretKey)
        return rc == 0 ? out : nil
    }

    /// `crypto_box_easy_afternm`: authenticated encryption with a precomputed key. Output is MAC ‖ ciphertext.
    public static func seal(_ plaintext: [UInt8], nonce: [UInt8], sharedKey: [UInt8]) -> [UInt8]? {
        guard nonce.count == nonceLength, sharedKey.count == sharedKeyLength else { return nil }
        var out = [UInt8](repeating: 0, count: plaintext.count + macLength)
        let rc = crypto_box_easy_afternm(&out, plaintext, UInt64(plaintext.count), nonce, sharedKey)
        return rc == 0 ? out : nil
    }

    /// `crypto_box_open_easy_afternm`. Nil when the MAC does not verify or the input is too short.
    public static func open(_ sealed: ArraySlice<UInt8>, nonce: [UInt8], sharedKey: [UInt8]) -> [UInt8]? {
        guard sealed.count >= macLength, nonce.count == nonceLength, sharedKey.count == sharedKeyLength else {
            return nil
        }
        var out = [UInt8](repeating: 0, count: sealed.count - macLength)
        let ciphertext = Array(sealed)
        let rc = crypto_box_open_easy_afternm(&out, ciphertext, UInt64(ciphertext.count), nonce, sharedKey)
        return rc == 0 ? out : nil
    }
}
