import Foundation
import GrapevineCore
import Sodium

/// The (id, signature) pairs the store holds, as keyed 64-bit fingerprints: what lets ingest
/// recognise an exact duplicate from the envelope alone, with no signature check and no
/// transaction.
///
/// The fingerprint is Swift's `Hasher` (SipHash-1-3 under a key drawn at random per process) over
/// the id and the signature, so a peer cannot aim a different entry at a held one's fingerprint;
/// an accidental match among 100k held entries has odds near 2⁻⁴⁶. The writer changes the set
/// only after a commit, under a lock of its own held for the changes alone, never for a
/// transaction.
final class HeldSignatures: @unchecked Sendable {
    // @unchecked: `set` is only touched with `lock` held.
    private let lock = NSLock()
    private var set = FingerprintSet()

    /// One change to apply after a commit, in the order the transaction made them.
    enum Change {
        case add(UInt64)
        case remove(UInt64)
    }

    static func fingerprint(_ id: EntryID, signature: [UInt8]) -> UInt64 {
        signature.withUnsafeBytes { fingerprint(id, signature: $0) }
    }

    static func fingerprint(_ id: EntryID, signature: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(id.w0)
        hasher.combine(id.w1)
        hasher.combine(id.w2)
        hasher.combine(id.w3)
        hasher.combine(bytes: signature)
        let value = UInt64(bitPattern: Int64(hasher.finalize()))
        return value == 0 ? 1 : value
    }

    /// The id and fingerprint of an encoded entry, read from its envelope alone: field 1 (the
    /// body) then field 2 (a 64-byte signature), canonically framed and nothing else. Nil for any
    /// other shape, which then takes the full path and gets its verdict there.
    static func probe(_ bytes: [UInt8]) -> (id: EntryID, fingerprint: UInt64)? {
        guard bytes.count <= Limits.maxEntrySize, bytes.count > 2, bytes[0] == 0x0a else { return nil }
        var length = Int(bytes[1])
        var offset = 2
        if length >= 0x80 {
            // Two bytes at the most (bodies are at most 1000 bytes); a zero high byte is not canonical.
            guard bytes.count > 3, bytes[2] != 0, bytes[2] < 0x80 else { return nil }
            length = length & 0x7f | Int(bytes[2]) << 7
            offset = 3
        }
        guard length > 0, length <= Limits.maxBodySize,
              bytes.count == offset + length + 2 + Ed25519.signatureLength,
              bytes[offset + length] == 0x12, bytes[offset + length + 1] == UInt8(Ed25519.signatureLength)
        else { return nil }
        let body = Array(bytes[offset..<(offset + length)])
        let signature = Array(bytes[(offset + length + 2)...])
        let id = EntryID(hashing: body)
        return (id, fingerprint(id, signature: signature))
    }

    func contains(_ fingerprint: UInt64) -> Bool {
        lock.withLock { set.contains(fingerprint) }
    }

    /// Which of `fingerprints` are held, under one acquisition of the lock.
    func held(_ fingerprints: [UInt64?]) -> [Bool] {
        lock.withLock { fingerprints.map { $0.map(set.contains) ?? false } }
    }

    func apply(_ changes: [Change]) {
        guard !changes.isEmpty else { return }
        lock.withLock {
            for change in changes {
                switch change {
                case .add(let fingerprint): set.insert(fingerprint)
                case .remove(let fingerprint): set.remove(fingerprint)
                }
            }
        }
    }

    func replace(with fresh: FingerprintSet) {
        lock.withLock { set = fresh }
    }

    var count: Int { lock.withLock { set.count } }
    var byteCount: Int { lock.withLock { set.byteCount } }
}
