import GrapevineCore

extension GossipInstance {
    // MARK: - Hole punching through a mutual member (PROTOCOL.md §11.8)

    /// A punch this node will carry out: probes to `peer` at `at`, up to the configured attempts.
    struct PendingPunch {
        let peer: PublicIdentity
        var at: UInt64
        var attempt: Int
    }

    /// Once per probe interval: for members behind a NAT (they publish an observed address) that
    /// a verification ping did not reach, or that this node reaches only through a relay (a
    /// direct path is preferred, §11.9.7), asks a verified public member to coordinate a punch,
    /// at most one per member per punch interval and `fanout` per interval in all.
    mutating func requestPunches() {
        guard config.punchAttempts > 0, let own = selfEndpoint else { return }
        var requested = 0
        // The reachable public members, found once per interval at the first member that needs
        // a punch: sending a request changes none of them.
        var publicPeers: [Int]?
        let now = now, timeout = config.pingTimeoutMillis, interval = config.punchIntervalMillis
        let due = slots { m in
            guard m.isLive, m.lastPunchAt.map({ now >= $0 + interval }) ?? true,
                  m.advertised.contains(where: { $0.origin == .observed }) else { return false }
            if m.isRelayed { return true }
            guard m.verified == nil, let tried = m.firstTriedAt else { return false }
            return now >= tried + timeout
        }
        for slot in due where requested < config.fanout {
            let m = members[slot]
            let peers = publicPeers ?? slots { $0.isReachable && isPublicPeer($0) }
            publicPeers = peers
            let helpers = peers.filter { $0 != slot }
            guard !helpers.isEmpty else { return }
            let helper = members[helpers[Int.random(in: 0..<helpers.count, using: &random)]]
            guard let address = helper.verified else { continue }
            members[slot].lastPunchAt = now
            var message = GossipMessage()
            message.punchRequest = PunchRequest(target: m.identity, endpoint: own.encoded)
            send(message, to: address, recipient: helper.identity, piggyback: false)
            requested += 1
        }
    }

    /// As the mutual member: passes a verified requester's punch request to a verified target, and
    /// tells both when to send, so their probes leave at about the same moment: each waits half
    /// the difference of the round trips this node measured to them (DCUtR's timing).
    mutating func relayPunch(_ request: PunchRequest, from source: PeerAddress, sender: PublicIdentity) {
        guard isVerified(sender, at: source), request.target != sender, request.target != identity,
              let requester = slots[sender], let target = slots[request.target], members[target].isReachable,
              let targetAddress = members[target].verified else { return }
        if now >= punchWindowEnds {
            punchWindowEnds = now + config.probeIntervalMillis
            punchesRelayed = [:]
        }
        let relayed = punchesRelayed[sender] ?? 0
        guard relayed < config.fanout else { return }
        punchesRelayed[sender] = relayed + 1
        let toRequester = members[requester].roundTripMillis ?? 0
        let toTarget = members[target].roundTripMillis ?? 0
        var forward = GossipMessage()
        forward.punch = Punch(peer: sender, endpoint: request.endpoint,
                              delayMillis: UInt32(clamping: toRequester > toTarget ? (toRequester - toTarget) / 2 : 0))
        send(forward, to: targetAddress, recipient: request.target, piggyback: false)
        var back = GossipMessage()
        back.punch = Punch(peer: request.target,
                           delayMillis: UInt32(clamping: toTarget > toRequester ? (toTarget - toRequester) / 2 : 0))
        send(back, to: source, recipient: sender, piggyback: false)
    }

    /// From a verified mutual member: learns the peer's endpoint entry if one came along (signed by
    /// the peer, else ignored) and schedules probes to the addresses it lists.
    mutating func acceptPunch(_ punch: Punch, from source: PeerAddress, sender: PublicIdentity) {
        guard isVerified(sender, at: source), punch.peer != identity, punch.peer != sender else { return }
        if !punch.endpoint.isEmpty {
            guard let entry = try? SignedEntry.decode(punch.endpoint), entry.author == punch.peer,
                  entry.kind == .endpoint else { return }
            learnEndpoint(entry)
            output.append(.ingest([punch.endpoint], from: sender))
        }
        guard let slot = slots[punch.peer], members[slot].isLive, members[slot].verified == nil,
              !pendingPunches.contains(where: { $0.peer == punch.peer }),
              members[slot].lastPunchProbeAt.map({ now >= $0 + config.punchIntervalMillis }) ?? true,
              pendingPunches.count < config.maxPendingPunches else { return }
        let delay = min(UInt64(punch.delayMillis), config.probeIntervalMillis)
        pendingPunches.append(PendingPunch(peer: punch.peer, at: now + delay, attempt: 0))
    }

    /// Sends the punch probes that are due: verification pings to the peer's listed addresses
    /// (never the loopback ones), one round per attempt, `pingTimeoutMillis` apart.
    mutating func runPunches() {
        var kept: [PendingPunch] = []
        for var pending in pendingPunches {
            guard pending.at <= now else {
                kept.append(pending)
                continue
            }
            guard let slot = slots[pending.peer], members[slot].isLive, members[slot].verified == nil else { continue }
            members[slot].lastPunchProbeAt = now
            for address in members[slot].candidates where network.scope(address.ip) != .loopback {
                sendVerificationPing(slot, to: address, punched: true)
            }
            pending.attempt += 1
            pending.at = now + config.pingTimeoutMillis
            if pending.attempt < config.punchAttempts { kept.append(pending) }
        }
        pendingPunches = kept
    }
}
