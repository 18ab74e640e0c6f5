import Foundation
import GrapevineCore
import GrapevineWire
import SealedDatagrams
import Sodium

/// `relay.json`: relay frames (PROTOCOL.md §11.9.1) valid and refused, relay control frames
/// (§11.9.2) accepted and dropped, and endpoint entries with relay addresses (§5.4).
public struct RelayVectorFile: Codable, Equatable, Sendable {
    public struct Header: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var frame: String
        /// `to-relay` or `from-relay`.
        public var type: String
        public var circuit: UInt64
        public var inner: String
        public var innerSender: String
    }

    public struct InvalidHeader: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var frame: String
        public var reason: String
    }

    public struct Control: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var payload: String
        /// nil when the payload is accepted; else the reason it is dropped (§11.2, check 10).
        public var dropped: String?
        /// `reserve`, `reservation`, `connect` or `circuit`, when accepted.
        public var op: String?
        public var peer: String?
        /// `accepted`, `full`, `no-reservation`, `too-many-circuits` or `not-relaying`.
        public var status: String?
        public var circuit: UInt64?
        public var lifetimeMs: UInt32?
        public var rate: UInt32?
    }

    public struct InvalidEndpoint: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var entry: String
        public var reason: String
    }

    public var description: String
    public var headers: [Header]
    public var invalidHeaders: [InvalidHeader]
    public var controls: [Control]
    public var endpoints: [NATVectorFile.Endpoint]
    public var invalidEndpoints: [InvalidEndpoint]
}

enum RelayVectors {
    static let circuit: UInt64 = 0x0123_4567_89ab_cdef

    static func make() throws -> RelayVectorFile {
        let frames = try headers()
        return RelayVectorFile(
            description: "Relays of PROTOCOL.md section 11.9: relay frames (a 10-byte header and a sealed datagram "
                + "the relay does not open), valid with their fields or refused for the reason given; relay "
                + "control frames as GossipMessage payloads of version 2, accepted with the fields listed or "
                + "dropped (section 11.2, check 10); endpoint entries with relay addresses (section 5.4), valid "
                + "with their decoded addresses or refused with their reason.",
            headers: frames.valid, invalidHeaders: frames.invalid, controls: try controls(),
            endpoints: try endpoints(), invalidEndpoints: try invalidEndpoints())
    }

    static func headers() throws -> (valid: [RelayVectorFile.Header], invalid: [RelayVectorFile.InvalidHeader]) {
        let alice = try VectorGenerator.key("alice")
        let bob = try VectorGenerator.identity("bob")
        var sealer = DatagramSealer(signingKey: alice, epoch: 1_764_000_000_000)
        guard let small = sealer.seal(Array("grapevine".utf8), to: bob),
              let largest = sealer.seal([UInt8](repeating: 0x2a, count: DatagramFormat.maxPayloadSize), to: bob)
        else { throw GenerationError("seal failed") }
        func header(_ name: String, _ description: String, _ direction: RelayFrame.Direction, _ inner: [UInt8])
            -> RelayVectorFile.Header
        {
            let frame = RelayFrame(direction: direction, circuit: circuit, inner: inner)
            return .init(name: name, description: description, frame: Hex.encode(frame.encoded()),
                         type: direction == .toRelay ? "to-relay" : "from-relay", circuit: circuit,
                         inner: Hex.encode(inner), innerSender: Hex.encode(Array(frame.innerSender)))
        }
        let valid = [
            header("to-relay", "alice sends a sealed datagram for bob to the relay on circuit 0x0123456789abcdef",
                   .toRelay, small),
            header("from-relay", "the relay passes the same datagram on to bob, byte for byte", .fromRelay, small),
            header("largest", "a 1200-byte sealed datagram in a 1210-byte frame, the largest", .toRelay, largest),
        ]
        let good = RelayFrame(direction: .toRelay, circuit: circuit, inner: small).encoded()
        func invalid(_ name: String, _ description: String, _ reason: RelayFrame.Drop, _ frame: [UInt8])
            -> RelayVectorFile.InvalidHeader
        {
            .init(name: name, description: description, frame: Hex.encode(frame), reason: reason.rawValue)
        }
        var badType = good
        badType[1] = 3
        var zero = good
        for i in 2..<RelayFrame.headerLength { zero[i] = 0 }
        var oldInner = good
        oldInner[RelayFrame.headerLength] = 0x91
        let tooSmall = Array(good.prefix(RelayFrame.headerLength + DatagramFormat.overhead - 1))
        let tooLarge = RelayFrame(direction: .toRelay, circuit: circuit, inner: largest + [0]).encoded()
        let refused = [
            invalid("too-small", "a header and 72 bytes: shorter than the smallest sealed datagram", .tooSmall, tooSmall),
            invalid("too-large", "1211 bytes: the inner datagram would be over 1200", .tooLarge, tooLarge),
            invalid("unknown-type", "type 3: only 1 (to relay) and 2 (from relay) are defined", .unknownType, badType),
            invalid("zero-circuit", "circuit 0, which no relay assigns", .zeroCircuit, zero),
            invalid("bad-inner-magic", "the inner datagram's byte 0 is 0x91 (version 1)", .badInnerMagic, oldInner),
        ]
        return (valid, refused)
    }

    static func controls() throws -> [RelayVectorFile.Control] {
        let bob = try VectorGenerator.identity("bob")
        func control(_ name: String, _ description: String, dropped: String? = nil,
                     _ build: (inout Grapevine_V1_RelayControl) -> Void) throws -> RelayVectorFile.Control {
            var m = Grapevine_V1_GossipMessage()
            m.version = 2
            build(&m.relay)
            let bytes: [UInt8] = try m.serializedBytes()
            var out = RelayVectorFile.Control(name: name, description: description, payload: Hex.encode(bytes),
                                              dropped: dropped)
            guard dropped == nil else { return out }
            let r = m.relay
            out.op = ["reserve", "reservation", "connect", "circuit"][Int(r.op) - 1]
            out.peer = r.peer.isEmpty ? nil : Hex.encode([UInt8](r.peer))
            out.status = r.status == 0 ? nil
                : ["accepted", "full", "no-reservation", "too-many-circuits", "not-relaying"][Int(r.status) - 1]
            out.circuit = r.circuit == 0 ? nil : r.circuit
            out.lifetimeMs = r.lifetimeMs == 0 ? nil : r.lifetimeMs
            out.rate = r.rate == 0 ? nil : r.rate
            return out
        }
        let peer = Data(bob.bytes)
        return [
            try control("reserve", "a member asks the relay for a place, or renews it") { $0.op = 1 },
            try control("reservation-accepted", "the relay holds the place for 600 s") {
                $0.op = 2; $0.status = 1; $0.lifetimeMs = 600_000
            },
            try control("reservation-full", "a full relay says so; the member tries another") { $0.op = 2; $0.status = 2 },
            try control("connect", "open or renew a circuit to bob") { $0.op = 3; $0.peer = peer },
            try control("circuit-accepted", "the circuit to bob: id, 600 s, 4096 bytes per second each way") {
                $0.op = 4; $0.peer = peer; $0.status = 1; $0.circuit = circuit; $0.lifetimeMs = 600_000; $0.rate = 4096
            },
            try control("circuit-no-reservation", "bob holds no reservation at this relay") {
                $0.op = 4; $0.peer = peer; $0.status = 3
            },
            try control("circuit-too-many", "an end already has 16 circuits") { $0.op = 4; $0.peer = peer; $0.status = 4 },
            try control("reservation-not-relaying", "this node does not relay") { $0.op = 2; $0.status = 5 },
            try control("op-zero", "no op", dropped: "invalid-field") { $0.peer = peer },
            try control("op-five", "op 5 is not defined", dropped: "invalid-field") { $0.op = 5 },
            try control("connect-short-peer", "a target of 31 bytes", dropped: "invalid-field") {
                $0.op = 3; $0.peer = peer.prefix(31)
            },
            try control("reserve-with-peer", "a reservation names nobody", dropped: "invalid-field") {
                $0.op = 1; $0.peer = peer
            },
            try control("circuit-status-six", "status 6 is not defined", dropped: "invalid-field") {
                $0.op = 4; $0.peer = peer; $0.status = 6
            },
            try control("circuit-without-status", "an answer without a status", dropped: "invalid-field") {
                $0.op = 4; $0.peer = peer
            },
            try control("connect-with-status", "a request carries no status", dropped: "invalid-field") {
                $0.op = 3; $0.peer = peer; $0.status = 1
            },
            try control("circuit-accepted-zero", "an accepted circuit of id 0", dropped: "invalid-field") {
                $0.op = 4; $0.peer = peer; $0.status = 1; $0.lifetimeMs = 600_000
            },
        ]
    }

    static func relayAddresses() throws -> [NodeAddress] {
        let carol = try VectorGenerator.identity("carol")
        let bob = try VectorGenerator.identity("bob")
        return [
            NodeAddress(ip: [192, 168, 1, 20], port: 7474, origin: .interface),
            NodeAddress(kind: NodeAddress.relayKind, ip: [198, 51, 100, 4], port: 7474, relay: carol.text, origin: .relay),
            NodeAddress(kind: NodeAddress.relayKind, ip: IPText.parse("2001:db8::7") ?? [], port: 7474, relay: bob.text,
                        origin: .relay),
        ]
    }

    static func endpoints() throws -> [NATVectorFile.Endpoint] {
        let alice = try VectorGenerator.key("alice")
        let entry = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: relayAddresses())),
                                         stamp: VectorGenerator.stamp(60), with: alice)
        return [.init(name: "two-relays", description: "a home behind a symmetric NAT: its LAN address and two home relays",
                      entry: Hex.encode(entry.encoded), addresses: VectorGenerator.content(of: entry.content).addresses ?? [])]
    }

    static func invalidEndpoints() throws -> [RelayVectorFile.InvalidEndpoint] {
        let alice = try VectorGenerator.key("alice")
        let carol = try VectorGenerator.identity("carol")
        func entry(_ name: String, _ description: String, stamp: UInt64,
                   _ build: (inout Grapevine_V1_Address) -> Void) throws -> RelayVectorFile.InvalidEndpoint {
            var address = Grapevine_V1_Address()
            address.kind = NodeAddress.relayKind
            address.ip = Data([198, 51, 100, 4])
            address.port = 7474
            address.relay = carol.text
            address.origin = AddressOrigin.relay.rawValue
            build(&address)
            var m = Grapevine_V1_Endpoint()
            m.addresses = [address]
            let payload: [UInt8] = try m.serializedBytes()
            let bytes = try NegativeVectors.signBody(author: alice, kind: .endpoint, key: [], payload: payload,
                                                     stamp: VectorGenerator.stamp(stamp))
            return .init(name: name, description: description, entry: Hex.encode(bytes), reason: "invalid-field")
        }
        return [
            try entry("relay-without-key", "a relay address that names no relay", stamp: 61) { $0.relay = "" },
            try entry("relay-key-uppercase", "the relay key's text in upper case: not its text form", stamp: 62) {
                $0.relay = carol.text.uppercased()
            },
            try entry("relay-origin-observed", "a relay address of origin 2 (observed)", stamp: 63) { $0.origin = 2 },
            try entry("relay-origin-unsaid", "a relay address that does not say its origin", stamp: 64) { $0.origin = 0 },
            try entry("udp-with-relay-key", "a UDP address naming a relay", stamp: 65) {
                $0.kind = NodeAddress.udpKind; $0.origin = 1
            },
            try entry("kind-three", "address kind 3 is reserved", stamp: 66) { $0.kind = 3 },
        ]
    }
}
