import Foundation
import GossipEngine
import GrapevineCore
import Testing

/// Protocol/vectors/nat.json against the engine's decoder: each frame is accepted with the
/// fields the vector lists, or dropped for the reason it gives (PROTOCOL.md §11.2, §11.7, §11.8), dial-backs included.
@Suite struct NATVectorTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/vectors/nat.json")

    struct File: Decodable {
        struct Address: Decodable { var ip: String; var port: UInt16 }
        struct Frame: Decodable {
            var name: String
            var payload: String
            var dropped: String?
            var ack_sequence: UInt64?
            var observed: Address?
            var target: String?
            var peer: String?
            var endpoint: String?
            var delay_ms: UInt32?
            var candidates: [String]?
            var dialback_peer: String?
            var dialback_target: Address?
        }
        var frames: [Frame]
    }

    @Test func everyFrameOfTheVectorsDecodesToItsFieldsOrIsDroppedForItsReason() throws {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: Self.path))
        #expect(file.frames.count >= 8)
        for frame in file.frames {
            let bytes = try #require(Hex.decode(frame.payload))
            if let reason = frame.dropped {
                #expect(throws: GossipDecodeError.self, "\(frame.name)") { try GossipMessage.decode(bytes) }
                do {
                    _ = try GossipMessage.decode(bytes)
                } catch {
                    #expect(error.code.rawValue == reason, "\(frame.name)")
                }
                continue
            }
            let message = try GossipMessage.decode(bytes)
            #expect(message.ack == frame.ack_sequence, "\(frame.name)")
            #expect(message.observed == frame.observed.flatMap { o in IPText.parse(o.ip).map { PeerAddress(ip: $0, port: o.port) } },
                    "\(frame.name)")
            if let target = frame.target {
                #expect(message.punchRequest?.target.bytes == Hex.decode(target), "\(frame.name)")
                #expect(message.punchRequest?.endpoint == frame.endpoint.flatMap(Hex.decode), "\(frame.name)")
            }
            if let peer = frame.peer {
                #expect(message.punch?.peer.bytes == Hex.decode(peer), "\(frame.name)")
                #expect(message.punch?.endpoint == (frame.endpoint.flatMap(Hex.decode) ?? []), "\(frame.name)")
                #expect(message.punch?.delayMillis == (frame.delay_ms ?? 0), "\(frame.name)")
            }
            #expect(message.dialbackRequest?.candidates.map(\.bytes) == frame.candidates?.compactMap(Hex.decode), "\(frame.name)")
            #expect(message.dialback?.peer.bytes == frame.dialback_peer.flatMap(Hex.decode), "\(frame.name)")
            #expect(message.dialback?.target == frame.dialback_target.flatMap { t in IPText.parse(t.ip).map { PeerAddress(ip: $0, port: t.port) } },
                    "\(frame.name)")
        }
    }
}
