/// A sealed datagram travelling through a relay inside a circuit (PROTOCOL.md §11.9.1):
///
/// ```
/// 0       1      2                 10                 end
/// | magic | type | circuit (8, LE) | sealed datagram  |
/// ```
///
/// The relay reads only this 10-byte header and the inner datagram's cleartext sender key; the
/// inner datagram stays sealed between the circuit's two ends. The header is why a relayed
/// datagram may be 1210 bytes, not 1200: every entry that fits a direct datagram fits a relayed
/// one, so relayed members receive every valid entry.
public struct RelayFrame: Sendable, Equatable {
    /// Which way the frame goes: to the relay from one end, or from the relay to the other end.
    public enum Direction: UInt8, Sendable, Equatable {
        case toRelay = 1
        case fromRelay = 2
    }

    /// Why a frame was refused; counted, never fatal.
    public enum Drop: String, Error, Sendable, Equatable {
        case tooSmall = "too-small"
        case tooLarge = "too-large"
        case unknownType = "unknown-type"
        case zeroCircuit = "zero-circuit"
        case badInnerMagic = "bad-inner-magic"
    }

    /// Byte 0 of a relay frame: high nibble 0xA marks a relay frame, low nibble the version.
    public static let magic: UInt8 = 0xA0 | DatagramFormat.version
    public static let headerLength = 10
    /// The largest relay frame: a whole sealed datagram plus the header.
    public static let maxFrameSize = DatagramFormat.maxDatagramSize + headerLength

    public var direction: Direction
    /// The relay's id for the circuit, never 0.
    public var circuit: UInt64
    /// The sealed datagram carried, unopened.
    public var inner: [UInt8]

    public init(direction: Direction, circuit: UInt64, inner: [UInt8]) {
        self.direction = direction
        self.circuit = circuit
        self.inner = inner
    }

    /// Whether a received datagram is a relay frame rather than a sealed datagram.
    public static func isRelayFrame(_ datagram: [UInt8]) -> Bool { datagram.first == magic }

    /// The inner datagram's sender key, which a relay checks against the circuit's end.
    public var innerSender: ArraySlice<UInt8> {
        inner[DatagramFormat.senderOffset..<DatagramFormat.nonceOffset]
    }

    public func encoded() -> [UInt8] {
        var out: [UInt8] = [Self.magic, direction.rawValue]
        out.reserveCapacity(Self.headerLength + inner.count)
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: circuit >> UInt64(shift))) }
        return out + inner
    }

    /// Decodes a frame whose byte 0 is `magic`, checking the header in the order of §11.9.1.
    public static func decode(_ frame: [UInt8]) -> Result<RelayFrame, Drop> {
        guard frame.count >= headerLength + DatagramFormat.overhead else { return .failure(.tooSmall) }
        guard frame.count <= maxFrameSize else { return .failure(.tooLarge) }
        guard let direction = Direction(rawValue: frame[1]) else { return .failure(.unknownType) }
        var circuit: UInt64 = 0
        for i in (2..<headerLength).reversed() { circuit = circuit << 8 | UInt64(frame[i]) }
        guard circuit != 0 else { return .failure(.zeroCircuit) }
        let inner = Array(frame[headerLength...])
        guard inner[0] == DatagramFormat.magic else { return .failure(.badInnerMagic) }
        return .success(RelayFrame(direction: direction, circuit: circuit, inner: inner))
    }
}
