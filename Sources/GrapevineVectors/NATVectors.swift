import Foundation
import GrapevineCore
import GrapevineWire

/// `nat.json`: the frames of PROTOCOL.md §11.7 and §11.8 (an ack's observed address, dial-back
/// requests and dial-backs, punch requests and punches), valid and dropped, and endpoint entries whose addresses state origins.
public struct NATVectorFile: Codable, Equatable, Sendable {
    public struct SocketAddress: Codable, Equatable, Sendable {
        public var ip: String
        public var port: UInt32
    }

    public struct Frame: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var payload: String
        /// nil when the payload is accepted; else the reason it is dropped (§11.2).
        public var dropped: String?
        public var ackSequence: UInt64?
        public var observed: SocketAddress?
        /// The punch request's target or the punch's peer, hex.
        public var target: String?
        public var peer: String?
        public var endpoint: String?
        public var delayMs: UInt32?
        /// The dial-back request's candidate keys, hex; the dial-back's peer (hex) and target.
        public var candidates: [String]?
        public var dialbackPeer: String?
        public var dialbackTarget: SocketAddress?
    }

    public struct Endpoint: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var entry: String
        public var addresses: [VectorContent.Address]
    }

    public var description: String
    public var frames: [Frame]
    public var endpoints: [Endpoint]
}

enum NATVectors {
    typealias FrameMaker = (String, String, String?, (inout Grapevine_V1_GossipMessage) -> Void) throws -> NATVectorFile.Frame

    /// Dial-back requests and dial-backs (§11.7), valid and dropped by §11.2's check 11.
    static func dialbackFrames(alice: [UInt8], bob: [UInt8], frame: FrameMaker) throws -> [NATVectorFile.Frame] {
        let carol = try VectorGenerator.identity("carol").bytes
        var frames: [NATVectorFile.Frame] = []
        var request = try frame("dialback-request", "alice asks for a dial-back from bob or carol", nil) {
            $0.dialbackRequest = .with { $0.candidates = Data(bob + carol) }
        }
        request.candidates = [Hex.encode(bob), Hex.encode(carol)]
        frames.append(request)
        frames.append(try frame("dialback-request-five-candidates", "five candidates, one more than allowed", "invalid-field") {
            $0.dialbackRequest = .with { $0.candidates = Data(Array([[UInt8]](repeating: bob, count: 5).joined())) }
        })
        frames.append(try frame("dialback-request-no-candidates", "a request naming nobody", "invalid-field") {
            $0.dialbackRequest = Grapevine_V1_DialbackRequest()
        })
        frames.append(try frame("dialback-request-partial-key", "candidates of 33 bytes", "invalid-field") {
            $0.dialbackRequest = .with { $0.candidates = Data(bob + [0]) }
        })
        var dial = try frame("dialback", "the helper has bob ping alice at 203.0.113.9:40001", nil) {
            $0.dialback = .with {
                $0.peer = Data(alice)
                $0.target = .with { $0.ip = Data([203, 0, 113, 9]); $0.port = 40001 }
            }
        }
        dial.dialbackPeer = Hex.encode(alice)
        dial.dialbackTarget = .init(ip: "203.0.113.9", port: 40001)
        frames.append(dial)
        frames.append(try frame("dialback-without-target", "a dial-back that names no address", "invalid-field") {
            $0.dialback = .with { $0.peer = Data(alice) }
        })
        frames.append(try frame("dialback-short-peer", "a peer of 31 bytes", "invalid-field") {
            $0.dialback = .with {
                $0.peer = Data(alice.prefix(31))
                $0.target = .with { $0.ip = Data([203, 0, 113, 9]); $0.port = 40001 }
            }
        })
        return frames
    }

    static func make() throws -> NATVectorFile {
        let alice = try VectorGenerator.key("alice")
        let bob = try VectorGenerator.identity("bob")
        let aliceEntry = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [
            NodeAddress(ip: [192, 168, 1, 20], port: 7474, origin: .interface),
            NodeAddress(ip: [203, 0, 113, 9], port: 7474, origin: .observed),
        ])), stamp: VectorGenerator.stamp(40), with: alice)
        var frames: [NATVectorFile.Frame] = []
        func frame(_ name: String, _ description: String, dropped: String? = nil,
                   _ build: (inout Grapevine_V1_GossipMessage) -> Void) throws -> NATVectorFile.Frame {
            var m = Grapevine_V1_GossipMessage()
            m.version = 2
            build(&m)
            let bytes: [UInt8] = try m.serializedBytes()
            return .init(name: name, description: description, payload: Hex.encode(bytes), dropped: dropped)
        }
        var ack = try frame("ack-observed-ipv4", "an ack telling the pinger it came from 203.0.113.9:40001") {
            $0.ack = .with { $0.sequence = 7; $0.observed = .with { $0.ip = Data([203, 0, 113, 9]); $0.port = 40001 } }
        }
        ack.ackSequence = 7
        ack.observed = .init(ip: "203.0.113.9", port: 40001)
        frames.append(ack)
        var ack6 = try frame("ack-observed-ipv6", "an ack with an IPv6 observed address") {
            $0.ack = .with {
                $0.sequence = 8
                $0.observed = .with { $0.ip = Data(IPText.parse("2001:db8::9") ?? []); $0.port = 7474 }
            }
        }
        ack6.ackSequence = 8
        ack6.observed = .init(ip: "2001:db8::9", port: 7474)
        frames.append(ack6)
        var plain = try frame("ack-without-observed", "an ack to an unverified source smaller than the ack would be") {
            $0.ack = .with { $0.sequence = 9 }
        }
        plain.ackSequence = 9
        frames.append(plain)
        frames.append(try frame("ack-observed-five-bytes", "an observed ip of 5 bytes", dropped: "invalid-field") {
            $0.ack = .with { $0.sequence = 10; $0.observed = .with { $0.ip = Data([1, 2, 3, 4, 5]); $0.port = 7474 } }
        })
        frames.append(try frame("ack-observed-port-zero", "an observed address without a port", dropped: "invalid-field") {
            $0.ack = .with { $0.sequence = 11; $0.observed = .with { $0.ip = Data([203, 0, 113, 9]) } }
        })
        var request = try frame("punch-request", "alice asks a mutual member to pass her endpoint entry to bob") {
            $0.punchRequest = .with { $0.target = Data(bob.bytes); $0.endpoint = Data(aliceEntry.encoded) }
        }
        request.target = Hex.encode(bob.bytes)
        request.endpoint = Hex.encode(aliceEntry.encoded)
        frames.append(request)
        frames.append(try frame("punch-request-short-target", "a target of 31 bytes", dropped: "invalid-field") {
            $0.punchRequest = .with { $0.target = Data(bob.bytes.prefix(31)); $0.endpoint = Data(aliceEntry.encoded) }
        })
        var toTarget = try frame("punch-to-target", "the mutual member tells bob to probe alice after 15 ms, with her entry") {
            $0.punch = .with {
                $0.peer = Data(alice.publicKey)
                $0.endpoint = Data(aliceEntry.encoded)
                $0.delayMs = 15
            }
        }
        toTarget.peer = Hex.encode(alice.publicKey)
        toTarget.endpoint = Hex.encode(aliceEntry.encoded)
        toTarget.delayMs = 15
        frames.append(toTarget)
        var toRequester = try frame("punch-to-requester", "the mutual member tells alice to probe bob at once") {
            $0.punch = .with { $0.peer = Data(bob.bytes) }
        }
        toRequester.peer = Hex.encode(bob.bytes)
        frames.append(toRequester)
        frames.append(try frame("punch-oversize-endpoint", "a punch whose endpoint is 1101 bytes", dropped: "invalid-field") {
            $0.punch = .with { $0.peer = Data(bob.bytes); $0.endpoint = Data(repeating: 0, count: Limits.maxEntrySize + 1) }
        })
        frames += try dialbackFrames(alice: alice.publicKey, bob: bob.bytes, frame: frame)

        let origins: [(String, String, [NodeAddress])] = [
            ("every-origin", "an interface, an observed, a forwarded and an unsaid address", [
                NodeAddress(ip: [192, 168, 1, 20], port: 7474, origin: .interface),
                NodeAddress(ip: [203, 0, 113, 9], port: 7474, origin: .observed),
                NodeAddress(ip: [198, 51, 100, 4], port: 7000, origin: .forwarded),
                NodeAddress(ip: [192, 0, 2, 7], port: 7474),
            ]),
            ("eight-addresses", "the most addresses an endpoint may hold (section 5.4)",
             (1...8).map { NodeAddress(ip: [10, 0, 0, UInt8($0)], port: 7474, origin: .interface) }),
        ]
        let endpoints = try origins.enumerated().map { n, c -> NATVectorFile.Endpoint in
            let entry = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: c.2)), stamp: VectorGenerator.stamp(41 + UInt64(n)),
                                             with: alice)
            return .init(name: c.0, description: c.1, entry: Hex.encode(entry.encoded),
                         addresses: VectorGenerator.content(of: entry.content).addresses ?? [])
        }
        return NATVectorFile(
            description: "Frames of PROTOCOL.md sections 11.7 and 11.8 as GossipMessage payloads of version 2: each is "
                + "accepted with the fields listed, or dropped for the reason given (section 11.2); and endpoint "
                + "entries whose addresses state their origin (section 5.4).",
            frames: frames, endpoints: endpoints)
    }
}
