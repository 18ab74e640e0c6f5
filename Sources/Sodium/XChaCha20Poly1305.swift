import CSodium

/// libsodium's `crypto_aead_xchacha20poly1305_ietf`: authenticated encryption with associated
/// data and a 24-byte nonce, long enough to be drawn at random for every message.
public enum XChaCha20Poly1305 {
    public static let keyLength = 32
    public static let nonceLength = 24
    public static let tagLength = 16

    /// Ciphertext ‖ 16-byte tag. Nil only for a key or nonce of the wrong length.
    public static func seal(_ plaintext: [UInt8], associatedData: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8]? {
        guard key.count == keyLength, nonce.count == nonceLength else { return nil }
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var written: UInt64 = 0
        let rc = crypto_aead_xchacha20poly1305_ietf_encrypt(
            &out, &written, plaintext, UInt64(plaintext.count), associatedData, UInt64(associatedData.count),
            nil, nonce, key)
        return rc == 0 ? out : nil
    }

    /// The plaintext, or nil when the tag does not verify (wrong key, nonce, associated data or
    /// altered bytes) or an input has the wrong length.
    public static func open(
        _ sealed: ArraySlice<UInt8>, associatedData: [UInt8], nonce: [UInt8], key: [UInt8]
    ) -> [UInt8]? {
        guard sealed.count >= tagLength, key.count == keyLength, nonce.count == nonceLength else { return nil }
        Sodium.ensureInitialized()
        let ciphertext = Array(sealed)
        var out = [UInt8](repeating: 0, count: ciphertext.count - tagLength)
        var written: UInt64 = 0
        let rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &out, &written, nil, ciphertext, UInt64(ciphertext.count), associatedData, UInt64(associatedData.count),
            nonce, key)
        return rc == 0 ? out : nil
    }
}
