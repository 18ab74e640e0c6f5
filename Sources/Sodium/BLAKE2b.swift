import CSodium

/// BLAKE2b (`crypto_generichash`), unkeyed, with a chosen output length.
public enum BLAKE2b {
    public static let minOutputLength = 16
    public static let maxOutputLength = 64

    /// The hash of `parts` concatenated, `outputLength` bytes long (16...64).
    public static func hash(_ parts: [UInt8]..., outputLength: Int = 32) -> [UInt8] {
        hash(parts: parts, outputLength: outputLength)
    }

    /// The hash of `parts` concatenated, `outputLength` bytes long (16...64).
    public static func hash(parts: [[UInt8]], outputLength: Int = 32) -> [UInt8] {
        precondition((minOutputLength...maxOutputLength).contains(outputLength), "BLAKE2b output length")
        Sodium.ensureInitialized()
        // libsodium's state must be 64-byte aligned; Swift cannot express that for the imported struct.
        let state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        defer { state.deallocate() }
        let handle = OpaquePointer(state)
        var out = [UInt8](repeating: 0, count: outputLength)
        crypto_generichash_init(handle, nil, 0, outputLength)
        for part in parts {
            crypto_generichash_update(handle, part, UInt64(part.count))
        }
        crypto_generichash_final(handle, &out, outputLength)
        return out
    }
}
