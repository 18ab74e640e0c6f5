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

    /// Between writes a change only marks the list stale: it is built and compared once its
    /// turn comes, and a list that came back to what was written is not written again.
    @Test func changesWithinTheSpacingMarkTheListStaleAndItIsBuiltOnceItsTurnComes() throws {
        let peer = try HandPeer(2)
        let known = [KnownPeer(identity: peer.identity, address: peer.address)]
        var file = PeersFile(loaded: [], spacingMillis: 1_000)
        file.membershipChanged()
        #expect(file.isDue(now: 0), "the first change may be written at once")
        #expect(file.take(known, now: 0) == known)

        file.membershipChanged()
        file.membershipChanged()
        #expect(!file.isDue(now: 500), "within the spacing the list is not built")
        #expect(file.pendingDue == 1_000, "the node's sleep ends when its turn comes")
        #expect(file.isDue(now: 1_000))
        #expect(file.take(known, now: 1_000) == nil, "the same members are not written again")
        #expect(!file.isStale && file.pendingDue == nil)
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
