import GrapevineCore
import Sodium

/// The layout of a sealed datagram (PROTOCOL.md §10):
///
/// ```
/// 0       1                 33                     57                        end
/// | magic | sender key (32) | nonce (24)           | MAC (16) ‖ ciphertext   |
///                           | epoch (8, LE) | counter (8, LE) | sender key[0..8] |
/// ```
///
/// The ciphertext is `crypto_box_easy_afternm` of the payload under the key both identities derive
/// with X25519 from their Ed25519 keys. The nonce's last 8 bytes repeat the sender's key so the two
/// directions of a pair, which share one key, can never use the same nonce.
public enum DatagramFormat {
    /// The protocol version this node speaks (PROTOCOL.md §15.1).
    public static let version: UInt8 = 2
    /// Magic and version in one byte: high nibble 0x9 marks Grapevine, low nibble is the version.
    public static let magic: UInt8 = 0x90 | version
    /// The protocol version a first byte names, or nil when it is not a Grapevine datagram
    /// (high nibble other than 0x9, or version 0). Byte 0 is not covered by the MAC.
    public static func version(ofMagic byte: UInt8) -> UInt8? {
        let version = byte & 0x0f
        return byte >> 4 == 0x9 && version != 0 ? version : nil
    }
    /// The earliest version whose datagrams this node still opens, to name the peers that send them.
    /// Version 1 seals exactly as version 2 does.
    public static let oldestOpened: UInt8 = 1
    public static let senderOffset = 1
    public static let nonceOffset = 33
    public static let boxOffset = 57
    public static let headerLength = 57
    /// Header plus MAC (`headerLength + X25519.macLength`, checked by a test): the smallest
    /// datagram, carrying an empty payload.
    public static let overhead = Limits.sealingOverhead
    /// The largest datagram sent or accepted: no IP fragmentation on common paths.
    public static let maxDatagramSize = Limits.maxDatagramSize
    /// The largest payload one datagram carries.
    public static let maxPayloadSize = Limits.payloadBudget

    /// The nonce for a given sender, boot epoch and counter.
    public static func nonce(epoch: UInt64, counter: UInt64, sender: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(X25519.nonceLength)
        withUnsafeBytes(of: epoch.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: counter.littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: sender.prefix(8))
        return out
    }

    static func readUInt64LE(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (i, b) in bytes.prefix(8).enumerated() {
            value |= UInt64(b) << (8 * UInt64(i))
        }
        return value
    }
}
