import GossipEngine
import GrapevineCore
import SealedDatagrams

extension NodeDriver {
    // MARK: - Relay frames (PROTOCOL.md §11.9.1)

    /// A datagram whose byte 0 marks a relay frame: its header checked in the order of §11.9.1;
    /// a type 1 frame goes to the engine's relay role, which says where to forward it; a type 2
    /// frame is unwrapped when it comes on a circuit this node holds at that relay, and its inner
    /// datagram is opened and handled as if it came from the relay path. Every drop is counted.
    func receiveRelayFrame(_ bytes: [UInt8], from source: PeerAddress) -> [OutgoingDatagram] {
        let frame: RelayFrame
        switch RelayFrame.decode(bytes) {
        case .failure(let drop):
            counters.relayDrops[drop.rawValue, default: 0] += 1
            return []
        case .success(let decoded):
            frame = decoded
        }
        switch frame.direction {
        case .toRelay:
            var forwarded = bytes
            forwarded[1] = RelayFrame.Direction.fromRelay.rawValue
            return run(.relayFrame(forwarded: forwarded, circuit: frame.circuit, innerSender: Array(frame.innerSender),
                                   from: source))
        case .fromRelay:
            guard let peer = engine.circuitPeer(frame.circuit, relayAddress: source) else {
                counters.relayDrops["unknown-circuit", default: 0] += 1
                return []
            }
            switch opener.open(frame.inner, source: source.ip, nowMillis: timerNow) {
            case .failure(let reason):
                counters.drop(reason.rawValue)
                return []
            case .success(let opened):
                guard opened.sender == peer else {
                    counters.relayDrops["wrong-sender", default: 0] += 1
                    return []
                }
                guard opened.version == DatagramFormat.version else {
                    counters.drop(GossipDecodeError.Code.oldVersion.rawValue)
                    return []
                }
                counters.relayedIn += 1
                lastSeen.set(opened.sender, now)
                let path = PeerAddress(ip: source.ip, port: source.port, circuit: frame.circuit)
                return run(.datagram(opened.payload, from: path, sender: opened.sender))
            }
        }
    }

    /// What goes on the wire for a sealed datagram: itself to a UDP address, or, on a relay
    /// path, a type 1 relay frame to the relay (at most 1210 bytes, §11.9.4).
    func wire(_ sealed: [UInt8], to address: PeerAddress) -> OutgoingDatagram {
        guard let circuit = address.circuit else { return OutgoingDatagram(bytes: sealed, address: address) }
        counters.relayedOut += 1
        return OutgoingDatagram(bytes: RelayFrame(direction: .toRelay, circuit: circuit, inner: sealed).encoded(),
                                address: address.udp)
    }

    /// As a relay: the frame the engine let through, sent on to the circuit's other end.
    func forwardFrame(_ frame: [UInt8], to address: PeerAddress) -> OutgoingDatagram? {
        if let reason = address.unusable(listensOnLoopback: options.gossip.listensOnLoopback) {
            sendFailed("refused:" + reason.rawValue, to: address)
            return nil
        }
        counters.datagramsOut += 1
        counters.bytesOut += frame.count
        return OutgoingDatagram(bytes: frame, address: address)
    }

    /// What `status` shows of relaying: the role's load and bounds, and this node's home relays.
    func relayStatus() -> NodeStatus.Relay {
        let state = engine.relayStatus
        let bounds = options.gossip.relayBounds
        return NodeStatus.Relay(
            enabled: options.gossip.relayEnabled, relaying: state.relaying, reservations: state.reservations,
            circuits: state.circuits, framesForwarded: state.framesForwarded, bytesForwarded: state.bytesForwarded,
            drops: state.drops.merging(counters.relayDrops, uniquingKeysWith: +),
            homeRelays: state.homeRelays.map { NodeStatus.Peer(id: $0.text, fingerprint: $0.fingerprint) },
            heldCircuits: state.heldCircuits,
            bounds: NodeStatus.Relay.Bounds(
                circuitBytesPerSecond: bounds.circuitBytesPerSecond, totalBytesPerSecond: bounds.totalBytesPerSecond,
                circuitsPerMember: bounds.circuitsPerMember, maxCircuits: bounds.maxCircuits,
                maxReservations: bounds.maxReservations, circuitLifetimeMillis: bounds.circuitLifetimeMillis))
    }
}
