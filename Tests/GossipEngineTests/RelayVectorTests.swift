import Foundation
import GossipEngine
import GrapevineCore
import SealedDatagrams
import Testing

/// Protocol/vectors/relay.json against the engine: relay frames decode to their fields or are
/// refused for their reason (PROTOCOL.md §11.9.1), control frames are accepted with their fields
/// or dropped (§11.2 check 10), and relay addresses in endpoint entries are valid or refused (§5.4).
@Suite struct RelayVectorTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/vectors/relay.json")

    struct File: Decodable {
        struct Header: Decodable {
            var name: String; var frame: String; var type: String; var circuit: UInt64; var inner: String
            var inner_sender: String
        }
        struct Refused: Decodable { var name: String; var frame: String; var reason: String }
        struct Control: Decodable {
            var name: String; var payload: String; var dropped: String?; var op: String?; var peer: String?
            var status: String?; var circuit: UInt64?; var lifetime_ms: UInt32?; var rate: UInt32?
        }
        struct Address: Decodable { var kind: UInt32; var ip: String; var port: UInt16; var origin: String?; var relay: String? }
        struct Endpoint: Decodable { var name: String; var entry: String; var addresses: [Address] }
        struct InvalidEndpoint: Decodable { var name: String; var entry: String; var reason: String }
        var headers: [Header]
        var invalid_headers: [Refused]
        var controls: [Control]
        var endpoints: [Endpoint]
        var invalid_endpoints: [InvalidEndpoint]
    }

    static func file() throws -> File { try JSONDecoder().decode(File.self, from: Data(contentsOf: path)) }

    @Test func everyRelayFrameDecodesToItsHeaderAndReencodesByteForByte() throws {
        let file = try Self.file()
        #expect(file.headers.count >= 3)
        for vector in file.headers {
            let bytes = try #require(Hex.decode(vector.frame))
            #expect(RelayFrame.isRelayFrame(bytes), "\(vector.name)")
            let frame = try RelayFrame.decode(bytes).get()
            #expect(frame.direction == (vector.type == "to-relay" ? .toRelay : .fromRelay), "\(vector.name)")
            #expect(frame.circuit == vector.circuit, "\(vector.name)")
            #expect(frame.inner == Hex.decode(vector.inner), "\(vector.name)")
            #expect(Array(frame.innerSender) == Hex.decode(vector.inner_sender), "\(vector.name)")
            #expect(frame.encoded() == bytes, "\(vector.name)")
        }
        #expect(file.headers.contains { Hex.decode($0.frame)?.count == RelayFrame.maxFrameSize })
    }

    @Test func everyRefusedRelayFrameIsRefusedForItsReason() throws {
        let file = try Self.file()
        #expect(file.invalid_headers.count >= 5)
        for vector in file.invalid_headers {
            let bytes = try #require(Hex.decode(vector.frame))
            switch RelayFrame.decode(bytes) {
            case .success: Issue.record("\(vector.name) decoded")
            case .failure(let drop): #expect(drop.rawValue == vector.reason, "\(vector.name)")
            }
        }
    }

    @Test func everyRelayControlFrameIsAcceptedWithItsFieldsOrDroppedForItsReason() throws {
        let file = try Self.file()
        let ops: [String: RelayControl.Op] = ["reserve": .reserve, "reservation": .reservation, "connect": .connect,
                                              "circuit": .circuit]
        let statuses: [String: RelayControl.Status] = [
            "accepted": .accepted, "full": .full, "no-reservation": .noReservation,
            "too-many-circuits": .tooManyCircuits, "not-relaying": .notRelaying,
        ]
        #expect(file.controls.count >= 12)
        for vector in file.controls {
            let bytes = try #require(Hex.decode(vector.payload))
            if let reason = vector.dropped {
                do {
                    _ = try GossipMessage.decode(bytes)
                    Issue.record("\(vector.name) was accepted")
                } catch {
                    #expect(error.code.rawValue == reason, "\(vector.name)")
                }
                continue
            }
            let relay = try #require(try GossipMessage.decode(bytes).relay, "\(vector.name)")
            #expect(relay.op == vector.op.flatMap { ops[$0] }, "\(vector.name)")
            #expect(relay.peer?.bytes == vector.peer.flatMap(Hex.decode), "\(vector.name)")
            #expect(relay.status == vector.status.flatMap { statuses[$0] }, "\(vector.name)")
            #expect(relay.circuit == vector.circuit ?? 0, "\(vector.name)")
            #expect(relay.lifetimeMillis == vector.lifetime_ms ?? 0, "\(vector.name)")
            #expect(relay.rate == vector.rate ?? 0, "\(vector.name)")
            #expect(try GossipMessage.decode(GossipMessage.decode(bytes).encoded()).relay == relay, "\(vector.name)")
        }
    }

    @Test func relayAddressesInEndpointEntriesAreValidOnlyWithAKeyInTextFormAndOriginRelay() throws {
        let file = try Self.file()
        for vector in file.endpoints {
            let parsed = try ParsedEntry.parse(try #require(Hex.decode(vector.entry)))
            guard case .endpoint(let info) = parsed.content else {
                Issue.record("\(vector.name) is not an endpoint")
                continue
            }
            #expect(info.addresses.map(\.kind) == vector.addresses.map(\.kind), "\(vector.name)")
            #expect(info.addresses.map(\.relay) == vector.addresses.map { $0.relay ?? "" }, "\(vector.name)")
            #expect(info.addresses.map { $0.origin?.description } == vector.addresses.map(\.origin), "\(vector.name)")
        }
        #expect(file.invalid_endpoints.count >= 5)
        for vector in file.invalid_endpoints {
            let bytes = try #require(Hex.decode(vector.entry))
            do {
                _ = try ParsedEntry.parse(bytes)
                Issue.record("\(vector.name) was accepted")
            } catch {
                #expect(error.reason.rawValue == vector.reason, "\(vector.name)")
            }
        }
    }
}
