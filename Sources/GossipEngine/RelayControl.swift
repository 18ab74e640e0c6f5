import Foundation
import GrapevineCore
import GrapevineWire

/// A relay control frame between a member and a relay (PROTOCOL.md §11.9.2): reserving a place,
/// opening or renewing a circuit, and the relay's answers. Sealed like any payload, so the relay
/// knows who asks, and only verified members are relayed.
public struct RelayControl: Sendable, Equatable {
    public enum Op: UInt32, Sendable, Equatable {
        /// Member to relay: reserve (or renew) a place, so others can open circuits to me.
        case reserve = 1
        /// Relay to member: the answer to `reserve`.
        case reservation = 2
        /// Member to relay: open (or renew) a circuit to `peer`, which holds a reservation.
        case connect = 3
        /// Relay to both ends: the circuit to `peer`, or why there is none.
        case circuit = 4
    }

    public enum Status: UInt32, Sendable, Equatable {
        case accepted = 1
        /// The relay holds all the reservations, or relays all the bandwidth, it allows.
        case full = 2
        /// The target holds no reservation at this relay.
        case noReservation = 3
        /// One of the ends already has all the circuits a member may have.
        case tooManyCircuits = 4
        /// This node does not relay (`--relay off`, or not confirmed public).
        case notRelaying = 5
    }

    public var op: Op
    public var peer: PublicIdentity?
    public var status: Status?
    public var circuit: UInt64
    public var lifetimeMillis: UInt32
    /// Bytes per second allowed in each direction of an accepted circuit.
    public var rate: UInt32

    public init(op: Op, peer: PublicIdentity? = nil, status: Status? = nil, circuit: UInt64 = 0,
                lifetimeMillis: UInt32 = 0, rate: UInt32 = 0) {
        self.op = op
        self.peer = peer
        self.status = status
        self.circuit = circuit
        self.lifetimeMillis = lifetimeMillis
        self.rate = rate
    }

    var wire: Grapevine_V1_RelayControl {
        .with {
            $0.op = op.rawValue
            $0.peer = Data(peer?.bytes ?? [])
            $0.status = status?.rawValue ?? 0
            $0.circuit = circuit
            $0.lifetimeMs = lifetimeMillis
            $0.rate = rate
        }
    }

    /// Check 10 of §11.2: which fields each op must and must not carry.
    init(wire m: Grapevine_V1_RelayControl) throws(GossipDecodeError) {
        guard let op = Op(rawValue: m.op) else { throw GossipDecodeError(.invalidField, "relay op \(m.op)") }
        var peer: PublicIdentity?
        switch op {
        case .connect, .circuit:
            guard let key = PublicIdentity(bytes: [UInt8](m.peer)) else {
                throw GossipDecodeError(.invalidField, "relay \(op) peer is not a 32-byte key")
            }
            peer = key
        case .reserve, .reservation:
            guard m.peer.isEmpty else { throw GossipDecodeError(.invalidField, "relay \(op) names a peer") }
        }
        var status: Status?
        switch op {
        case .reservation, .circuit:
            guard let value = Status(rawValue: m.status) else {
                throw GossipDecodeError(.invalidField, "relay status \(m.status)")
            }
            status = value
        case .reserve, .connect:
            guard m.status == 0 else { throw GossipDecodeError(.invalidField, "relay \(op) carries a status") }
        }
        if op == .circuit, status == .accepted, m.circuit == 0 {
            throw GossipDecodeError(.invalidField, "an accepted circuit has circuit id 0")
        }
        self.init(op: op, peer: peer, status: status, circuit: m.circuit, lifetimeMillis: m.lifetimeMs, rate: m.rate)
    }
}
