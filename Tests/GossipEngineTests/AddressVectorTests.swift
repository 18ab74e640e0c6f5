import Foundation
import GossipEngine
import GossipSimulator
import GrapevineCore
import Testing

/// Protocol/vectors/addresses.json against the engine: joining through each endpoint entry, a
/// node pings exactly the addresses the vector lists as usable for its kind of listen address.
@Suite struct AddressVectorTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/vectors/addresses.json")

    struct File: Decodable {
        struct Address: Decodable { var kind: UInt32; var ip: String; var port: UInt16 }
        struct Vector: Decodable {
            var name: String
            var entry: String
            var usable_loopback_listener: [Address]
            var usable_other_listener: [Address]
        }
        var vectors: [Vector]
    }

    @Test func aJoiningNodePingsExactlyTheUsableAddressesOfEachVector() throws {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: Self.path))
        #expect(file.vectors.count >= 6)
        let ids = try SimIdentities(count: 1)
        let t0: UInt64 = 1_764_000_000_000
        for vector in file.vectors {
            let entry = try SignedEntry.decode(try #require(Hex.decode(vector.entry)))
            for (loopback, usable) in [(true, vector.usable_loopback_listener), (false, vector.usable_other_listener)] {
                var config = GossipConfig()
                config.listensOnLoopback = loopback
                var node = GossipInstance(identity: ids.identities[0], config: config, random: SeededRandom(seed: 1),
                                          now: t0, endpoint: ids.endpoints[0], network: ids.network(0))
                // One verification ping per probe interval, cycling through the usable addresses.
                var out = node.handle(.join(entry), now: t0, store: SimStore())
                for step in 1...60 { out += node.handle(.tick, now: t0 + UInt64(step) * 100, store: SimStore()) }
                let pinged = Set(out.compactMap { directive -> PeerAddress? in
                    if case .send(_, let to, let recipient) = directive, recipient == entry.author { to } else { nil }
                })
                let expected = Set(try usable.map { PeerAddress(ip: try #require(IPText.parse($0.ip)), port: $0.port) })
                #expect(pinged == expected, "\(vector.name), loopback listener: \(loopback)")
            }
        }
    }
}
