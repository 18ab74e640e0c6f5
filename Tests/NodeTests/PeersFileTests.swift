import GossipEngine
import GrapevineCore
@testable import Node
import Testing

/// `peers.json` during a join: the first verified member is written at once, the members
/// verified right after it ride along with one later write rather than one write each, and a
/// stopping node writes what is still unwritten.
@Suite struct PeersFileTests {
    @Test func membersVerifiedInABurstAreWrittenTogetherOnceTheSpacingHasPassed() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        let peers = try await verified([2, 3, 4], by: node)
        _ = await node.driver.tick()
        #expect(saved(node) == [peers[0]], "members verified within the spacing wait for the next write")

        node.clock.advance(NodeOptions().peersSpacingMillis)
        _ = await node.driver.tick()
        #expect(saved(node) == Set(peers), "then all three are written in one go")
    }

    @Test func aStoppingNodeWritesTheMembersStillWaiting() async throws {
        let node = try DrivenNode()
        defer { node.remove() }
        let peers = try await verified([2, 3], by: node)
        #expect(saved(node) == [peers[0]])
        _ = await node.driver.leave()
        #expect(saved(node) == Set(peers), "leaving writes the member that was waiting")
    }

    /// Verifies a peer at each host number, one right after the other; the first is saved at once.
    private func verified(_ hosts: [UInt8], by node: DrivenNode) async throws -> [PublicIdentity] {
        var identities: [PublicIdentity] = []
        for host in hosts {
            var peer = try HandPeer(host)
            try await node.verify(&peer)
            identities.append(peer.identity)
            #expect(saved(node) == [identities[0]], "the first verified member is saved at once, the others wait")
        }
        return identities
    }

    private func saved(_ node: DrivenNode) -> Set<PublicIdentity> {
        Set(KnownPeer.load(home: node.home).map(\.identity))
    }
}
