import GossipEngine
import GrapevineCore

/// The simulator's relay frames (PROTOCOL.md §11.9.1): the real 10-byte header around a stand-in
/// for the sealed datagram, its magic and cleartext sender key followed by the plaintext payload
/// (the simulator does not seal). A relay reads only the header and the sender key, as a real one.
enum SimRelayFrame {
    static let headerLength = 10
    static let senderRange = (headerLength + 1)..<(headerLength + 33)

    static func encode(circuit: UInt64, sender: PublicIdentity, payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0xA2, 1]
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: circuit >> UInt64(shift))) }
        return out + [0x92] + sender.bytes + payload
    }

    /// The header's type, circuit and the carried sender key and payload; nil when too short.
    static func decode(_ frame: [UInt8]) -> (type: UInt8, circuit: UInt64, sender: [UInt8], payload: [UInt8])? {
        guard frame.count >= senderRange.upperBound else { return nil }
        var circuit: UInt64 = 0
        for i in (2..<headerLength).reversed() { circuit = circuit << 8 | UInt64(frame[i]) }
        return (frame[1], circuit, Array(frame[senderRange]), Array(frame[senderRange.upperBound...]))
    }

    /// The same frame as the relay sends it on: type 2.
    static func forwarded(_ frame: [UInt8]) -> [UInt8] {
        var out = frame
        out[1] = 2
        return out
    }
}
