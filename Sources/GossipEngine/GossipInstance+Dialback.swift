import GrapevineCore

/// Bounds and timers of explicit dial-back (PROTOCOL.md §11.7), as requester, helper and dialer.
struct DialbackState {
    /// Requester: when it may ask again, a dial-back interval after its last request.
    var nextRequestAt: UInt64 = 0
    /// Helper: when it last acted on a request of each requester, within the dial-back interval.
    var helped: [PublicIdentity: UInt64] = [:]
    /// Helper and dialer: requests passed on and dial-back pings sent in the current probe interval.
    var windowEnds: UInt64 = 0
    var passedOn = 0
    var dialed = 0
}

extension GossipInstance {
    // MARK: - Explicit dial-back (PROTOCOL.md §11.7)

    /// Members a requester looks at per probe interval for candidates, so the search costs the
    /// same in a network of any size.
    static var dialbackSample: Int { 64 }

    /// Once per probe interval: a node not yet confirmed reachable (and not symmetric, whose
    /// mapping toward the helper is no use to a dialer) asks a random verified member, a public
    /// peer if it has one, for a dial-back from one of up to 4 members it has not sent to within
    /// the confirmation window, at most once per dial-back interval.
    mutating func requestDialback() {
        guard config.dialbackIntervalMillis > 0, confirmedAt == nil, reachabilityKind != .symmetric,
              now >= dialback.nextRequestAt else { return }
        let reachable = members.indices.filter { members[$0].isReachable }
        let publicPeers = reachable.filter { isPublicPeer(members[$0]) }
        let pool = publicPeers.isEmpty ? reachable : publicPeers
        guard !pool.isEmpty else { return }
        let helper = pool[Int.random(in: 0..<pool.count, using: &random)]
        let candidates = dialbackCandidates(excluding: helper)
        guard !candidates.isEmpty, let address = members[helper].verified else { return }
        dialback.nextRequestAt = now + config.dialbackIntervalMillis
        var message = GossipMessage()
        message.dialbackRequest = DialbackRequest(candidates: candidates)
        send(message, to: address, recipient: members[helper].identity, piggyback: false)
    }

    /// Up to 4 live members, of up to 64 looked at in random order, that this node has sent
    /// nothing to within the confirmation window at any IP it knows of theirs (listed in their
    /// entry, verified or reflexive), and with none of those IPs on its own subnets or at its own
    /// observed public IP: a ping from them would come unasked.
    mutating func dialbackCandidates(excluding helper: Int) -> [PublicIdentity] {
        var order: [Int]
        if members.count <= Self.dialbackSample {
            order = Array(members.indices)
            order.shuffle(using: &random)
        } else {
            order = (0..<Self.dialbackSample).map { _ in Int.random(in: 0..<members.count, using: &random) }
        }
        let ownPublic = publicIP
        var picked: [PublicIdentity] = []
        for slot in order where slot != helper && members[slot].isLive && !picked.contains(members[slot].identity) {
            let m = members[slot]
            let ips = m.advertised.map(\.ip) + [m.verified, m.reflexive].compactMap { $0?.ip }
            guard ips.allSatisfy({ !network.isOnLink($0) && $0 != ownPublic && !recentlySent(toIP: $0) }) else { continue }
            picked.append(m.identity)
            if picked.count == DialbackRequest.maxCandidates { break }
        }
        return picked
    }

    /// As the helper: passes a verified requester's request to the first candidate it has
    /// verified at a public IP outside the /24 (IPv4) or /64 (IPv6) of the request's source and
    /// of every address of the requester's own entry, naming that source as the target. One
    /// request per requester per dial-back interval, `fanout` in all per probe interval.
    mutating func passOnDialback(_ request: DialbackRequest, from source: PeerAddress, sender: PublicIdentity) {
        guard isVerified(sender, at: source), network.scope(source.ip) == .global, let requester = slots[sender] else { return }
        openDialbackWindow()
        guard dialback.passedOn < config.fanout,
              dialback.helped[sender].map({ now >= $0 + config.dialbackIntervalMillis }) ?? true else { return }
        dialback.helped[sender] = now
        let near = [source.ip] + members[requester].advertised.map(\.ip)
        for candidate in request.candidates where candidate != sender && candidate != identity {
            guard let slot = slots[candidate], members[slot].isReachable, let address = members[slot].verified,
                  network.scope(address.ip) == .global, !near.contains(where: { Self.sameSubnet($0, address.ip) })
            else { continue }
            dialback.passedOn += 1
            var message = GossipMessage()
            message.dialback = Dialback(peer: sender, target: source)
            send(message, to: address, recipient: candidate, piggyback: false)
            return
        }
    }

    /// As the dialer: from a verified helper, one bare ping to the target, a public address off
    /// this node's subnets, under §11.3's per-host limit and at most `fanout` per probe interval.
    mutating func dialBack(_ request: Dialback, from source: PeerAddress, sender: PublicIdentity) {
        let target = request.target
        guard isVerified(sender, at: source), request.peer != identity, request.peer != sender,
              network.scope(target.ip) == .global, !network.isOnLink(target.ip),
              target.unusable(listensOnLoopback: config.listensOnLoopback) == nil else { return }
        openDialbackWindow()
        guard dialback.dialed < config.fanout, mayPingHost(target.ip) else { return }
        dialback.dialed += 1
        var ping = GossipMessage()
        ping.ping = nextSequenceNumber()
        send(ping, to: target, recipient: request.peer, piggyback: false)
    }

    /// Starts a new probe interval's count of requests passed on and dial-backs sent, and forgets
    /// requesters helped longer than a dial-back interval ago.
    mutating func openDialbackWindow() {
        guard now >= dialback.windowEnds else { return }
        dialback.windowEnds = now + config.probeIntervalMillis
        dialback.passedOn = 0
        dialback.dialed = 0
        let interval = config.dialbackIntervalMillis
        if !dialback.helped.isEmpty { dialback.helped = dialback.helped.filter { now < $0.value + interval } }
    }

    /// Whether two IPs share a /24 (IPv4) or a /64 (IPv6): the helper's stand-in for "on one of
    /// the requester's subnets", whose prefix lengths it cannot know.
    static func sameSubnet(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard let prefix = IPPrefix(ip: a, length: a.count == 4 ? 24 : 64) else { return false }
        return prefix.contains(b)
    }
}
