import GrapevineCore

extension GossipInstance {
    // MARK: - Circuits and relay paths (PROTOCOL.md §11.9.2, §11.9.5, §11.9.6)

    /// The peer at the other end of `circuit`, when this node holds that circuit at a relay whose
    /// verified address is `relayAddress`; nil otherwise. The shell asks before opening a type 2
    /// frame's datagram, which must then be sealed by that peer (§11.9.1).
    public func circuitPeer(_ circuit: UInt64, relayAddress: PeerAddress) -> PublicIdentity? {
        relaying.circuits.first { $0.id == circuit && $0.relayAddress == relayAddress }?.peer
    }

    /// The relay paths this node holds to a member, in the order the circuits came.
    func relayPaths(of member: PublicIdentity) -> [PeerAddress] {
        relaying.circuits.filter { $0.peer == member }.map(\.path)
    }

    /// Whether `address` is a relay path to `member` on which a ping was acked by it.
    func isVerifiedRelayPath(_ address: PeerAddress, to member: PublicIdentity) -> Bool {
        address.isRelayed && relaying.circuits.contains { $0.isPath(address) && $0.peer == member && $0.verifiedAt != nil }
    }

    /// Whether a ping to `address` answered from there verifies the member at `slot`: one of its
    /// addresses, its reflexive address, or a relay path this node holds to it.
    func mayVerify(_ slot: Int, _ address: PeerAddress) -> Bool {
        guard address.isRelayed else { return members[slot].mayVerify(address) }
        let member = members[slot].identity
        return relaying.circuits.contains { $0.isPath(address) && $0.peer == member }
    }

    /// How long a ping to `address` waits for its ack: on a relay path the larger of the ping
    /// timeout and twice the round trip last measured on it, since it crosses two legs.
    func pingTimeout(to address: PeerAddress) -> UInt64 {
        guard address.isRelayed, let rtt = relaying.circuits.first(where: { $0.isPath(address) })?.roundTripMillis
        else { return config.pingTimeoutMillis }
        return max(config.pingTimeoutMillis, 2 * rtt)
    }

    /// A ping on a relay path was acked by the peer: the path is verified and timed.
    mutating func relayPathAcked(_ path: PeerAddress, since sentAt: UInt64) {
        guard let i = relaying.circuits.firstIndex(where: { $0.isPath(path) }) else { return }
        relaying.circuits[i].verifiedAt = now
        relaying.circuits[i].roundTripMillis = now - min(now, sentAt)
    }

    /// The probe's target answered on `source`: a relay path that acks becomes its current path.
    mutating func probeAcked(_ slot: Int, on source: PeerAddress, since sentAt: UInt64) {
        guard source.isRelayed else { return }
        relayPathAcked(source, since: sentAt)
        guard members[slot].isRelayed, members[slot].verified != source, mayVerify(slot, source) else { return }
        members[slot].verified = source
        emitChange(slot)
    }

    /// Step 2 of a probe of a relayed member, beside the ping-requests, and a helper's ping for a
    /// relayed target: the same ping on each of the member's other relay paths, so an ack on any
    /// of them counts and a dead relay does not make its members look dead.
    mutating func pingOtherRelayPaths(of target: Int, sequence: UInt64) {
        let m = members[target]
        guard m.isRelayed else { return }
        for path in relayPaths(of: m.identity) where path != m.verified {
            var ping = GossipMessage()
            ping.ping = sequence
            send(ping, to: path, recipient: m.identity, piggyback: false)
        }
    }

    /// A relay told this node of a circuit: as the requester, the answer to its `connect`; as the
    /// target, from a home relay holding its reservation. Accepted circuits are held, and a
    /// verification ping goes out on each at once.
    mutating func circuitTold(_ control: RelayControl, by relay: PublicIdentity, at source: PeerAddress) {
        guard let peer = control.peer, peer != identity, peer != relay else { return }
        let asked = relaying.connects.firstIndex { $0.relay == relay && $0.peer == peer }
        let isHome = relaying.homes.contains { $0.relay == relay && $0.address == source && $0.reservedUntil != nil }
        guard asked != nil || isHome else { return }
        guard control.status == .accepted else {
            // Refused (full, too many circuits, no reservation): the peer's other relay address is
            // tried meanwhile, and this one again after a punch interval.
            if let asked { relaying.connects[asked].retryAt = now + config.punchIntervalMillis }
            return
        }
        if let asked { relaying.connects.remove(at: asked) }
        let lifetime = UInt64(control.lifetimeMillis > 0 ? control.lifetimeMillis : config.relayBounds.circuitLifetimeMillis)
        let circuit: HeldCircuit
        if let i = relaying.circuits.firstIndex(where: { $0.relay == relay && $0.peer == peer }) {
            let old = relaying.circuits[i].path
            relaying.circuits[i].id = control.circuit
            relaying.circuits[i].expires = now + lifetime
            relaying.circuits[i].lifetime = lifetime
            circuit = relaying.circuits[i]
            if let slot = slots[peer], members[slot].verified == old, old != circuit.path {
                members[slot].verified = circuit.path
                emitChange(slot)
            }
            if circuit.verifiedAt != nil { return }
        } else {
            circuit = HeldCircuit(relay: relay, relayAddress: source, peer: peer, id: control.circuit, opened: asked != nil,
                                  expires: now + lifetime, renewedAt: now, lifetime: lifetime)
            relaying.circuits.append(circuit)
        }
        if let slot = slots[peer], members[slot].isLive, !members[slot].isForgotten,
           members[slot].verified.map({ $0.isRelayed }) ?? true {
            sendVerificationPing(slot, to: circuit.path, punched: false)
        }
    }

    /// Once per probe interval: forgets lapsed circuits, renews those this node opened while the
    /// peer's path is still relayed, and opens circuits at each relay a member lists that this
    /// node has verified itself, for members it reaches by no UDP address.
    mutating func maintainCircuits() {
        let now = self.now
        let lapsed = relaying.circuits.filter { $0.expires <= now }
        relaying.circuits.removeAll { $0.expires <= now }
        for circuit in lapsed { relayPathLost(circuit) }
        if now >= relaying.connectWindowEnds {
            relaying.connectWindowEnds = now + config.probeIntervalMillis
            relaying.connectsSent = [:]
        }
        relaying.connects.removeAll { $0.retryAt <= now }
        // The time test first, before a circuit is copied: a node holds a circuit per peer of
        // each relayed member.
        let renewable = relaying.circuits.indices.filter {
            relaying.circuits[$0].opened && now >= relaying.circuits[$0].renewedAt + relaying.circuits[$0].lifetime / 2
        }
        for i in renewable {
            let c = relaying.circuits[i]
            guard let slot = slots[c.peer], members[slot].isLive,
                  members[slot].verified.map({ $0.isRelayed }) ?? true,
                  sendConnect(to: c.peer, via: c.relay) else { continue }
            relaying.circuits[i].renewedAt = now
        }
        // The circuits held, by (relay, peer), looked up rather than scanned per member and relay;
        // sending a connect adds none.
        let needing = slots { $0.isLive && !$0.relays.isEmpty && ($0.verified.map { $0.isRelayed } ?? true) }
        guard !needing.isEmpty else { return }
        let held = Set(relaying.circuits.map { CircuitEnds(relay: $0.relay, peer: $0.peer) })
        for slot in needing {
            for relay in members[slot].relays where relay != identity && relay != members[slot].identity
                && !held.contains(CircuitEnds(relay: relay, peer: members[slot].identity)) {
                _ = sendConnect(to: members[slot].identity, via: relay)
            }
        }
    }

    /// Sends `connect(peer)` to a relay this node has verified at one of the relay's own UDP
    /// addresses, unless one is outstanding for the pair or `fanout` went to that relay this
    /// probe interval. Whether it was sent.
    mutating func sendConnect(to peer: PublicIdentity, via relay: PublicIdentity) -> Bool {
        guard let r = slots[relay], members[r].isReachable, let address = members[r].verified, !address.isRelayed,
              !relaying.connects.contains(where: { $0.relay == relay && $0.peer == peer }),
              relaying.connectsSent[relay, default: 0] < config.fanout else { return false }
        relaying.connectsSent[relay, default: 0] += 1
        relaying.connects.append(ConnectAttempt(relay: relay, peer: peer, retryAt: now + 3 * config.pingTimeoutMillis))
        sendRelayControl(RelayControl(op: .connect, peer: peer), to: address, recipient: relay)
        return true
    }

    /// A relay this node declared dead or left takes its circuits along (§11.9.6).
    mutating func dropCircuits(at relay: PublicIdentity) {
        let lost = relaying.circuits.filter { $0.relay == relay }
        guard !lost.isEmpty else { return }
        relaying.circuits.removeAll { $0.relay == relay }
        for circuit in lost { relayPathLost(circuit) }
    }

    /// A circuit is gone: a member whose current path it was moves to another verified relay
    /// path, or becomes unverified (not suspect) until a path answers again.
    mutating func relayPathLost(_ circuit: HeldCircuit) {
        guard let slot = slots[circuit.peer], members[slot].verified == circuit.path else { return }
        if let other = relaying.circuits.first(where: { $0.peer == circuit.peer && $0.verifiedAt != nil }) {
            members[slot].verified = other.path
        } else {
            members[slot].verified = nil
            members[slot].path = .direct
            members[slot].unverifiedSince = now
            members[slot].firstTriedAt = nil
            queue.removeUpdate(about: circuit.peer)
        }
        emitChange(slot)
    }

    // MARK: - Upgrade (§11.9.7)

    /// Once per probe interval: a member reached through a relay is still tried at its UDP
    /// addresses, one verification ping per punch interval, under §11.3's per-host limit; an
    /// answer makes that address its path, and the circuits to it are no longer renewed.
    mutating func tryDirectPaths() {
        let now = now, interval = config.punchIntervalMillis
        for slot in slots(where: { $0.isLive && $0.isRelayed && ($0.lastUpgradeAt.map { now >= $0 + interval } ?? true) }) {
            let m = members[slot]
            let order = m.reflexive.map { [$0] + m.candidates.filter { $0 != m.reflexive } } ?? m.candidates
            guard !order.isEmpty else { continue }
            let address = order[m.nextCandidate % order.count]
            guard mayPingHost(address.ip) else { continue }
            members[slot].nextCandidate += 1
            members[slot].lastUpgradeAt = now
            sendVerificationPing(slot, to: address, punched: false)
        }
    }
}

/// A circuit's relay and far end, as a set key.
private struct CircuitEnds: Hashable {
    let relay: PublicIdentity
    let peer: PublicIdentity
}
