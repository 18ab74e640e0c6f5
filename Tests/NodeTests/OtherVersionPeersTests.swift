import GrapevineCore
@testable import Node
import Sodium
import Testing

/// The list of peers that speak another version stays within 32, keeps the most recently heard,
/// and reports each peer once (PROTOCOL.md §15.2).
@Suite struct OtherVersionPeersTests {
    func identity(_ n: UInt8) throws -> PublicIdentity {
        let key = try #require(Ed25519.SigningKey(seed: [UInt8](repeating: n, count: 32)))
        return PublicIdentity(key)
    }

    @Test("at most 32 peers are listed, the most recently heard, each reported once")
    func boundedAndReportedOnce() throws {
        var peers = OtherVersionPeers()
        var reported = 0
        for n in UInt8(1)...40 {
            if peers.note(try identity(n), version: 1, address: "127.0.0.1:\(n)", nowMillis: UInt64(n)) { reported += 1 }
        }
        #expect(reported == 40 && peers.listing.count == OtherVersionPeers.capacity)
        #expect(Set(peers.listing.map(\.id)) == Set(try (UInt8(9)...40).map { try identity($0).text }))
        #expect(!peers.note(try identity(40), version: 3, address: "127.0.0.1:40", nowMillis: 50), "a listed peer is not reported again")
        #expect(peers.listing.first { $0.id == (try? identity(40).text) }?.version == 3, "the version it last stated is shown")
    }
}
