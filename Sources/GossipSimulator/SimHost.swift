import GossipEngine
import GossipInterpreter
import GrapevineCore

/// One simulated node's side of the directives: datagrams go into the simulated network, wakes
/// into the event queue, and an ingest merges at once, at the virtual time it began.
struct SimHost: DirectiveHost {
    unowned let simulator: Simulator
    let node: Int

    var store: SimStore { simulator.stores[node] }

    func send(_ payload: [UInt8], to address: PeerAddress, recipient: PublicIdentity) {
        simulator.transmit(from: node, payload, to: address)
    }

    func schedule(at time: UInt64) { simulator.schedule(node, at: time) }

    func ingest(_ entries: [[UInt8]], from sender: PublicIdentity) -> IngestCompletion? {
        simulator.ingest(node, entries)
    }

    func membershipChanged(_ change: MemberSnapshot) { simulator.record(change, seenBy: node) }

    func refused(_ error: GossipDecodeError, from source: PeerAddress, sender: PublicIdentity) {}

    func publishEndpoint(observed: PeerAddress?) -> SignedEntry? {
        simulator.observedOf[node] = observed
        return simulator.publish(node)
    }

    func publishEndpoint(relays: [NodeAddress]) -> SignedEntry? {
        simulator.relaysOf[node] = relays
        return simulator.publish(node)
    }

    func forward(_ frame: [UInt8], to address: PeerAddress) {
        simulator.carry(from: node, bytes: frame.count, to: address) { .deliverFrame(node: $0, frame: frame, from: $1) }
    }
}
