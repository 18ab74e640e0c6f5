import GrapevineCore

extension GossipInstance {
    // MARK: - The relay role (PROTOCOL.md §11.9)

    /// Whether this node relays for others: it is classified public and confirmed (§11.7), and
    /// its user has not turned relaying off.
    public var isRelaying: Bool { config.relayEnabled && reachabilityKind == .public && confirmedAt != nil }

    /// What this node shows of relaying: its load as a relay and its own home relays.
    public var relayStatus: RelayStatus {
        RelayStatus(relaying: isRelaying, reservations: relaying.table?.reservationCount ?? 0,
                    circuits: relaying.table?.circuitCount ?? 0, framesForwarded: relaying.table?.framesForwarded ?? 0,
                    bytesForwarded: relaying.table?.bytesForwarded ?? 0, drops: relaying.drops,
                    homeRelays: relaying.homes.filter { $0.reservedUntil != nil }.map(\.relay),
                    heldCircuits: relaying.circuits.count)
    }

    /// The relay table while the role holds, made when it first does; a node that stops relaying
    /// forgets its reservations and circuits, whose ends then find other relays.
    mutating func holdsRelayRole() -> Bool {
        guard isRelaying else {
            relaying.table = nil
            return false
        }
        if relaying.table == nil {
            var bounds = config.relayBounds
            bounds.connectsPerWindow = config.fanout
            bounds.connectWindowMillis = config.probeIntervalMillis
            relaying.table = RelayTable(bounds: bounds, now: now)
        }
        return true
    }

    /// A type 1 relay frame: sent on to the circuit's other end unchanged but for its type, or
    /// dropped and counted in the order of §11.9.1. A relay sends at most one frame per frame.
    mutating func forwardRelayFrame(_ forwarded: [UInt8], circuit: UInt64, innerSender: [UInt8], from source: PeerAddress) {
        guard holdsRelayRole(),
              let result = relaying.table?.forward(circuit: circuit, innerSender: innerSender, length: forwarded.count,
                                                   from: source, now: now)
        else {
            relaying.drops["not-relaying", default: 0] += 1
            return
        }
        switch result {
        case .success(let destination): output.append(.forward(forwarded, to: destination))
        case .failure(let drop): relaying.drops[drop.rawValue, default: 0] += 1
        }
    }

    /// A relay control frame, acted on only from the sender's verified address (§11.9.2).
    mutating func receiveRelayControl(_ control: RelayControl, from source: PeerAddress, sender: PublicIdentity) {
        guard !source.isRelayed, isVerified(sender, at: source) else { return }
        switch control.op {
        case .reserve:
            let granted = holdsRelayRole() ? relaying.table?.reserve(sender, at: source, now: now) : nil
            sendRelayControl(granted ?? RelayControl(op: .reservation, status: .notRelaying), to: source, recipient: sender)
        case .connect:
            guard let target = control.peer, target != sender else { return }
            guard holdsRelayRole() else {
                sendRelayControl(RelayControl(op: .circuit, peer: target, status: .notRelaying), to: source, recipient: sender)
                return
            }
            guard let answer = relaying.table?.connect(from: sender, at: source, to: target, now: now, random: &random)
            else { return }
            sendRelayControl(answer.toRequester, to: source, recipient: sender)
            if let toTarget = answer.toTarget {
                sendRelayControl(toTarget.control, to: toTarget.address, recipient: target)
            }
        case .reservation:
            reservationAnswered(control, by: sender, at: source)
        case .circuit:
            circuitTold(control, by: sender, at: source)
        }
    }

    /// Control frames carry nothing else: a relay's answer is never larger for what rides along.
    mutating func sendRelayControl(_ control: RelayControl, to address: PeerAddress, recipient: PublicIdentity) {
        var message = GossipMessage()
        message.relay = control
        send(message, to: address, recipient: recipient, piggyback: false)
    }

    // MARK: - Home relays (§11.9.5)

    /// Once per probe interval: a node classified symmetric keeps `homeRelays` reservations at
    /// its verified live public peers, nearest first, renews them at half their lifetime and
    /// replaces a relay that is no longer alive at its verified address, refused, or left a
    /// request unanswered for three ping timeouts. A node of another class keeps none.
    mutating func maintainHomeRelays() {
        let now = self.now
        guard reachabilityKind == .symmetric, config.homeRelays > 0, !isLeaving else {
            relaying.homes = []
            publishRelaysIfChanged()
            return
        }
        let silence = 3 * config.pingTimeoutMillis
        var kept: [HomeRelay] = []
        for home in relaying.homes {
            let alive = slots[home.relay].map { members[$0].status == .alive && members[$0].verified == home.address } ?? false
            let unanswered = home.askedAt.map { now >= $0 + silence } ?? false
            let lapsed = home.reservedUntil.map { now >= $0 } ?? false
            if alive, !unanswered, !lapsed {
                kept.append(home)
            } else if unanswered {
                relaying.refusedUntil[home.relay] = now + config.punchIntervalMillis
            }
        }
        relaying.homes = kept
        for i in relaying.homes.indices where relaying.homes[i].askedAt == nil && now >= relaying.homes[i].renewAt {
            relaying.homes[i].askedAt = now
            sendRelayControl(RelayControl(op: .reserve), to: relaying.homes[i].address, recipient: relaying.homes[i].relay)
        }
        let candidates = slots { m in
            m.status == .alive && m.isReachable && isPublicPeer(m)
                && !relaying.homes.contains { $0.relay == m.identity }
                && relaying.refusedUntil[m.identity].map { now >= $0 } ?? true
        }.sorted { a, b in
            (members[a].roundTripMillis ?? .max, members[a].identity) < (members[b].roundTripMillis ?? .max, members[b].identity)
        }
        for slot in candidates.prefix(max(0, config.homeRelays - relaying.homes.count)) {
            guard let address = members[slot].verified else { continue }
            relaying.homes.append(HomeRelay(relay: members[slot].identity, address: address, askedAt: now))
            sendRelayControl(RelayControl(op: .reserve), to: address, recipient: members[slot].identity)
        }
        publishRelaysIfChanged()
    }

    /// A relay's answer to this node's `reserve`: held until the lifetime it states, or refused,
    /// and then another candidate is asked at the next probe.
    mutating func reservationAnswered(_ control: RelayControl, by relay: PublicIdentity, at source: PeerAddress) {
        guard let i = relaying.homes.firstIndex(where: { $0.relay == relay && $0.address == source }),
              relaying.homes[i].askedAt != nil else { return }
        if control.status == .accepted {
            let lifetime = UInt64(control.lifetimeMillis > 0 ? control.lifetimeMillis : config.relayBounds.reservationLifetimeMillis)
            relaying.homes[i].reservedUntil = now + lifetime
            relaying.homes[i].renewAt = now + lifetime / 2
            relaying.homes[i].askedAt = nil
        } else {
            relaying.homes.remove(at: i)
            relaying.refusedUntil[relay] = now + UInt64(config.relayBounds.reservationLifetimeMillis)
        }
        publishRelaysIfChanged()
    }

    /// Asks the shell to sign an endpoint listing the home relays that hold a reservation, when
    /// they changed: kind 2, the relay's verified address, its key, origin 4.
    mutating func publishRelaysIfChanged() {
        let addresses = relaying.homes.filter { $0.reservedUntil != nil }.map {
            NodeAddress(kind: NodeAddress.relayKind, ip: $0.address.ip, port: $0.address.port, relay: $0.relay.text,
                        origin: .relay)
        }
        guard addresses != relaying.published else { return }
        relaying.published = addresses
        output.append(.publishRelays(addresses))
    }

    /// The relays a member's endpoint lists, as keys; addresses whose relay is no key are skipped.
    static func relayKeys(_ addresses: [NodeAddress]) -> [PublicIdentity] {
        addresses.compactMap { address in
            guard address.kind == NodeAddress.relayKind, let key = try? PublicIdentity(parsing: address.relay) else { return nil }
            return key
        }
    }
}
