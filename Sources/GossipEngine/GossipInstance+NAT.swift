import GrapevineCore

extension GossipInstance {
    // MARK: - Observed addresses (PROTOCOL.md §11.7)

    /// What this node knows of its own reachability, for its user.
    public var reachability: Reachability {
        let live = members.filter(\.isLive)
        return Reachability(kind: reachabilityKind, observed: observedAddress, observers: observerCount,
                            confirmed: confirmedAt != nil, direct: live.filter { $0.verified != nil }.count,
                            members: live.count)
    }

    /// A verified peer acked with the address it saw this node at. Observations over a private
    /// path (a LAN) say nothing about the NAT and are ignored.
    mutating func observe(_ observed: PeerAddress, by observer: PublicIdentity, at source: PeerAddress) {
        guard !source.isRelayed, isVerified(observer, at: source), network.scope(source.ip) == .global,
              network.scope(observed.ip) == .global else { return }
        observations.removeAll { $0.observer == observer }
        observations.insert(Observation(observer: observer, observerIP: source.ip, observed: observed, at: now), at: 0)
        if observations.count > config.maxObservations { observations.removeLast() }
        reclassify()
    }

    /// Classifies anew; when the address worth publishing changes, asks the shell to sign a new
    /// endpoint entry, and recomputes which private addresses of members are usable.
    mutating func reclassify() {
        let ownPort = listenPort
        let result = Reachability.Kind.classify(observations) { address in
            network.isOwn(address.ip) && (ownPort == nil || address.port == ownPort)
        }
        let oldPublic = publicIP
        reachabilityKind = result.kind
        observedAddress = result.observed
        observerCount = result.observers
        // An observed address is worth publishing when it is not this node's own interface
        // address and is the same toward every observer (or there is only one so far).
        let publish = (result.kind == .endpointIndependent || result.kind == .unknown) ? result.observed : nil
        let worth = publish.flatMap { network.isOwn($0.ip) ? nil : $0 }
        if worth != publishedObserved {
            publishedObserved = worth
            output.append(.publishObserved(worth))
        }
        if publicIP != oldPublic {
            for slot in members.indices where members[slot].endpointStamp != nil { updateCandidates(slot) }
        }
    }

    /// This node's listen port, from its own endpoint's interface addresses.
    var listenPort: UInt16? {
        guard let own = selfEndpoint, case .endpoint(let info) = own.content else { return nil }
        return info.addresses.first { $0.origin == .interface }?.port
    }

    /// The observed address an ack may carry: only a public one (a private or loopback source
    /// says nothing about a NAT), and only toward a verified address or when the ping was at
    /// least as large as the ack will be (§11.2: never more than what asked for it).
    func observedForAck(_ source: PeerAddress, sender: PublicIdentity, pingSize: Int, ack: GossipMessage) -> PeerAddress? {
        // Never over a relay path (§11.9.1): the relay's address says nothing about the pinger.
        guard !source.isRelayed, network.scope(source.ip) == .global else { return nil }
        if isVerified(sender, at: source) { return source }
        var with = ack
        with.observed = source
        return with.encoded().count <= pingSize ? source : nil
    }

    // MARK: - Confirmed reachability

    /// A ping that arrives from an address (IP and port) this node has not sent to within the
    /// confirmation window, at a public IP off its own subnets, shows that strangers can reach it
    /// unasked: a home router's filter admits only answers to the address its host sent to.
    mutating func noteUnaskedPing(from source: PeerAddress) {
        guard confirmedAt == nil, !source.isRelayed, network.scope(source.ip) == .global, !network.isOnLink(source.ip),
              !recentlySent(to: source) else { return }
        confirmedAt = now
    }

    /// Whether this node has sent anything to `address` within the confirmation window.
    func recentlySent(to address: PeerAddress) -> Bool {
        sentTo[address].map { now < $0 + config.confirmationWindowMillis } ?? false
    }

    /// Whether this node has sent anything to any port of `ip` within the confirmation window.
    func recentlySent(toIP ip: [UInt8]) -> Bool {
        sentToIP[ip].map { now < $0 + config.confirmationWindowMillis } ?? false
    }

    /// Remembers when this node last sent to a UDP address (a relay path's is the relay's) and
    /// its IP, and to a member at its verified address.
    mutating func noteSent(to address: PeerAddress, recipient: PublicIdentity) {
        sentTo[address.udp] = now
        sentToIP[address.ip] = now
        if let slot = slots[recipient], members[slot].verified == address { members[slot].lastSentAt = now }
    }

    /// Forgets send times older than the confirmation window; run once per probe interval.
    mutating func pruneSentTo() {
        let window = config.confirmationWindowMillis
        sentTo = sentTo.filter { now < $0.value + window }
        sentToIP = sentToIP.filter { now < $0.value + window }
    }

    // MARK: - Keepalive

    /// Whether this node sits behind a NAT, by its observers: then it keeps mappings open.
    var isBehindNAT: Bool {
        switch reachabilityKind {
        case .endpointIndependent, .symmetric, .unknown: observedAddress.map { !network.isOwn($0.ip) } ?? true
        case .none, .public: false
        }
    }

    /// Whether a member reached at its verified address is public: the address is one it lists
    /// itself as an interface, forwarded or unsaid address, not an observed mapping of its NAT.
    func isPublicPeer(_ m: Member) -> Bool {
        guard let verified = m.verified, network.scope(verified.ip) == .global else { return false }
        return m.advertised.contains { PeerAddress($0) == verified && $0.origin != .observed }
    }

    /// Behind a NAT, a ping to each verified public peer and each punched peer this node has
    /// sent nothing to for the keepalive interval, so the mappings they use stay open.
    mutating func sendKeepalives() {
        guard config.keepaliveIntervalMillis > 0, isBehindNAT else { return }
        // The cheap time test first, on the table in place: this runs every second over every member.
        let now = now, interval = config.keepaliveIntervalMillis
        let due = slots { m in
            m.isReachable && now >= m.lastSentAt + interval && (m.path == .punched || isPublicPeer(m))
        }
        for slot in due {
            guard let address = members[slot].verified else { continue }
            var ping = GossipMessage()
            ping.ping = nextSequenceNumber()
            send(ping, to: address, recipient: members[slot].identity, piggyback: false)
        }
    }
}
