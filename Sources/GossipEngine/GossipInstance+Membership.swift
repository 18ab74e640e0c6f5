import GrapevineCore

extension GossipInstance {
    // MARK: - Probing (SWIM with Lifeguard)

    /// Probes the next member of a shuffled round, so each is probed once per round: a failed
    /// member is probed within (n − 1) probe intervals.
    mutating func startProbe() {
        for _ in 0..<2 {
            while probeCursor < probeOrder.count {
                let slot = probeOrder[probeCursor]
                probeCursor += 1
                guard members[slot].isReachable, let address = members[slot].verified else { continue }
                let scale = UInt64(1 + localHealth)
                let sequence = nextSequenceNumber()
                let pingDeadline = now + pingTimeout(to: address) * scale
                probe = Probe(target: slot, sequence: sequence, sentAt: now, pingDeadline: pingDeadline,
                              endsAt: max(now + config.probeIntervalMillis * scale, pingDeadline + config.pingTimeoutMillis))
                var ping = GossipMessage()
                ping.ping = sequence
                send(ping, to: address, recipient: members[slot].identity, piggyback: true)
                return
            }
            probeOrder = Array(members.indices)
            probeOrder.shuffle(using: &random)
            probeCursor = 0
        }
    }

    /// A newly reachable member joins the current round at a random place still to come.
    mutating func addToProbeRound(_ slot: Int) {
        guard !probeOrder[probeCursor...].contains(slot) else { return }
        let place = Int.random(in: probeCursor...probeOrder.count, using: &random)
        probeOrder.insert(slot, at: place)
    }

    /// Asks k random reachable members other than the target to ping it; returns how many.
    mutating func requestIndirectPings(for current: Probe) -> Int {
        let target = members[current.target].identity
        let helpers = randomReachable(count: config.indirectProbes, excluding: current.target)
        pingOtherRelayPaths(of: current.target, sequence: current.sequence)
        for slot in helpers {
            guard let address = members[slot].verified else { continue }
            var request = GossipMessage()
            request.pingRequest = (current.sequence, target)
            send(request, to: address, recipient: members[slot].identity, piggyback: false)
        }
        return helpers.count
    }

    /// The end of a probe interval: no ack means suspect. Lifeguard raises local health only when
    /// helpers' nacks are missing too, which says this node's own network is at fault.
    mutating func finishProbe(_ finished: Probe) {
        guard !finished.acked else { return }
        if finished.helpers > 0, finished.nacks < finished.helpers {
            localHealth = min(config.maxLocalHealth, localHealth + 1)
        }
        let m = members[finished.target]
        guard m.status == .alive else { return }
        apply(MemberUpdate(member: m.identity, status: .suspect, incarnation: m.incarnation, reporter: identity))
    }

    /// Suspects whose timeout has passed are declared dead. The scan runs only once the earliest
    /// deadline has come, not on every event: at high loss a node holds hundreds of suspects.
    mutating func expireSuspicions() {
        guard now >= earliestSuspicion else { return }
        let due = suspects.filter { members[$0].suspicionDeadline <= now }.sorted()
        for slot in due {
            let m = members[slot]
            apply(MemberUpdate(member: m.identity, status: .dead, incarnation: m.incarnation))
        }
        earliestSuspicion = suspects.reduce(UInt64.max) { min($0, members[$1].suspicionDeadline) }
    }

    // MARK: - Membership updates

    /// Applies an update with SWIM's precedence: a higher incarnation wins; at equal incarnation
    /// dead and left beat suspect, which beats alive. Changes are re-gossiped.
    ///
    /// `sender` is who sent the datagram (nil: this node's own conclusion). Another node's claim
    /// must be credible (`isCredible`) and about a member already known; a member's own word
    /// about itself is not bounded, and its `alive` stands even below a higher incarnation
    /// someone else claimed for it (PROTOCOL.md §11.4).
    mutating func apply(_ update: MemberUpdate, from sender: PublicIdentity? = nil) {
        if update.member == identity {
            refute(update)
            return
        }
        if update.member == sender {
            applySelfReport(update)
            return
        }
        // Only a member's own word (`applySelfReport`) or its signed endpoint makes it known:
        // others' claims about members nobody here has heard from would fill the table. A
        // forgotten member counts as unknown.
        guard let slot = slots[update.member], !members[slot].isForgotten else { return }
        if sender != nil, !isCredible(update.incarnation, above: members[slot].incarnation) { return }
        let m = members[slot]
        switch update.status {
        case .alive:
            guard update.incarnation > m.incarnation else { return }
            setStatus(slot, .alive, incarnation: update.incarnation)
            if m.verified == nil { verify(slot) }
        case .suspect:
            let reporter = update.reporter ?? update.member
            if (m.status == .alive && update.incarnation >= m.incarnation)
                || (m.status == .suspect && update.incarnation > m.incarnation) {
                setStatus(slot, .suspect, incarnation: update.incarnation)
                members[slot].suspicionStart = now
                members[slot].suspectors = [reporter]
                members[slot].suspicionDeadline = now + config.suspicionTimeout(members: groupSize, confirmations: 0)
                earliestSuspicion = min(earliestSuspicion, members[slot].suspicionDeadline)
            } else if m.status == .suspect, update.incarnation == m.incarnation, !m.suspectors.contains(reporter) {
                // An independent confirmation shortens the timeout (Lifeguard); the first K are re-gossiped.
                members[slot].suspectors.append(reporter)
                let confirmations = members[slot].suspectors.count - 1
                members[slot].suspicionDeadline = m.suspicionStart
                    + config.suspicionTimeout(members: groupSize, confirmations: confirmations)
                earliestSuspicion = min(earliestSuspicion, members[slot].suspicionDeadline)
                if confirmations <= config.suspicionConfirmations { disseminate(update) }
                return
            } else {
                return
            }
        case .dead, .left:
            let isGone = m.status == .dead || m.status == .left
            guard (!isGone && update.incarnation >= m.incarnation) || update.incarnation > m.incarnation else { return }
            setStatus(slot, update.status, incarnation: update.incarnation)
        }
        disseminate(update)
        emitChange(slot)
    }

    /// Queues an update for dissemination, but never an `alive` claim about another member this
    /// node has not verified itself (PROTOCOL.md §11.4): hearsay must not keep a member alive
    /// that nobody can reach. Such a claim drops what was queued about the member instead.
    mutating func disseminate(_ update: MemberUpdate) {
        guard update.status != .alive || update.member == identity || hasVerified(update.member) else {
            queue.removeUpdate(about: update.member)
            return
        }
        queue.enqueue(update)
    }

    /// Whether this node has verified `member` itself: a ping to one of its addresses was
    /// answered by it from there.
    func hasVerified(_ member: PublicIdentity) -> Bool {
        slots[member].map { !members[$0].isForgotten && members[$0].verified != nil } ?? false
    }

    /// Whether another node's claim of `claimed` for a member held at `held` is believable
    /// (PROTOCOL.md §11.4): at most `maxIncarnationStep` above it, or not beyond this node's clock
    /// plus the future tolerance (a node's first incarnation is its boot time in milliseconds).
    /// Nothing beyond both can be outranked without coming near the end of the number range.
    func isCredible(_ claimed: UInt64, above held: UInt64) -> Bool {
        claimed <= held || claimed - held <= GossipConfig.maxIncarnationStep
            || claimed <= now + HybridLogicalClock.defaultFutureToleranceMillis
    }

    /// What a member says about itself in a datagram it sent. Only it raises its incarnation, so
    /// its `alive` at a lower incarnation than the one held means the held one was someone else's
    /// claim: the member's word stands. Older reports (UDP reorders) are ignored, and at an equal
    /// incarnation the usual precedence holds. A member never reports itself suspect or dead.
    mutating func applySelfReport(_ update: MemberUpdate) {
        switch update.status {
        case .suspect, .dead:
            return
        case .left:
            apply(update)
        case .alive:
            guard let slot = slots[update.member] else {
                var member = Member(identity: update.member, status: .alive, incarnation: update.incarnation,
                                    unverifiedSince: now)
                member.selfReported = update.incarnation
                guard let created = insert(member) else { return }
                emitChange(created)
                return
            }
            let m = members[slot]
            if let reported = m.selfReported, update.incarnation < reported { return }
            members[slot].selfReported = update.incarnation
            guard update.incarnation != m.incarnation else { return }
            setStatus(slot, .alive, incarnation: update.incarnation)
            if m.verified == nil { verify(slot) }
            disseminate(update)
            emitChange(slot)
        }
    }

    /// Someone says this node is suspect, dead or left: gossip an alive update that outranks it,
    /// raising the incarnation if the claim is not already below the current one. A claim that is
    /// not credible is not outranked, which would let a liar push the incarnation to its limit:
    /// this node repeats its own word instead, which every member it reaches takes over any claim
    /// of others (`applySelfReport`).
    mutating func refute(_ update: MemberUpdate) {
        guard update.status != .alive, !isLeaving else { return }
        if update.incarnation >= incarnation, isCredible(update.incarnation, above: incarnation) {
            incarnation = update.incarnation + 1
        }
        if update.status == .suspect { localHealth = min(config.maxLocalHealth, localHealth + 1) }
        queue.enqueue(MemberUpdate(member: identity, status: .alive, incarnation: incarnation))
    }

    mutating func setStatus(_ slot: Int, _ status: MemberStatus, incarnation: UInt64) {
        let was = members[slot]
        if was.isLive { liveCount -= 1 }
        if was.status == .suspect { suspects.removeAll { $0 == slot } }
        members[slot].status = status
        members[slot].incarnation = incarnation
        if members[slot].isLive { liveCount += 1 }
        if status == .suspect { suspects.append(slot) }
        if status != .suspect { members[slot].suspectors = [] }
        if status == .dead || status == .left { dropCircuits(at: was.identity) }
    }

    /// Adds a member; when the table is full, an evictable member makes room, or nothing is added.
    @discardableResult
    mutating func insert(_ member: Member) -> Int? {
        if members.count >= config.maxMembers {
            guard let gone = evictable() else { return nil }
            if members[gone].isLive { liveCount -= 1 }
            slots[members[gone].identity] = nil
            members[gone] = member
            slots[member.identity] = gone
            if member.isLive { liveCount += 1 }
            return gone
        }
        members.append(member)
        slots[member.identity] = members.count - 1
        if member.isLive { liveCount += 1 }
        return members.count - 1
    }

    /// The member a full table gives up for a new one: a forgotten, dead or left one, else an alive
    /// one never verified, the one whose address was tried longest ago (never first). Verified and
    /// suspect members are kept: made-up identities cannot push out members that answer.
    func evictable() -> Int? {
        if let gone = members.firstIndex(where: { !$0.isLive }) { return gone }
        var best: (slot: Int, tried: UInt64)?
        for slot in members.indices where members[slot].status == .alive && members[slot].verified == nil {
            let tried = members[slot].lastVerificationAt ?? 0
            if best.map({ tried < $0.tried }) ?? true { best = (slot, tried) }
        }
        return best?.slot
    }

    mutating func emitChange(_ slot: Int) {
        let m = members[slot]
        output.append(.membershipChanged(MemberSnapshot(member: m.identity, status: m.status,
                                                          incarnation: m.incarnation, verified: m.verified, path: m.path)))
    }

    // MARK: - Verification

    /// The UDP addresses of an endpoint entry that this node may send to; the others are counted.
    mutating func usableCandidates(_ addresses: [NodeAddress]) -> [NodeAddress] {
        addresses.filter { address in
            guard let peer = PeerAddress(address) else { return false }
            guard let reason = peer.unusable(listensOnLoopback: config.listensOnLoopback) else { return true }
            ignoredAddresses[reason, default: 0] += 1
            return false
        }
    }

    /// Pings an unverified endpoint address, at most once per probe interval per member and per
    /// host not yet known to run Grapevine, carrying this node's own endpoint so the member can
    /// verify it back. An explicit join is no exception: learning the endpoint may already have
    /// sent this interval's ping.
    mutating func verify(_ slot: Int) {
        // The cheap tests first: this runs for every unverified member each probe interval.
        guard !isLeaving, members[slot].verified == nil, members[slot].isLive else { return }
        if let last = members[slot].lastVerificationAt, now < last + config.probeIntervalMillis { return }
        let m = members[slot]
        // Relay paths held to it come last (§11.3's order), after every UDP address.
        let udp = m.reflexive.map { [$0] + m.candidates.filter { $0 != m.reflexive } } ?? m.candidates
        let order = udp + relayPaths(of: m.identity)
        guard !order.isEmpty else { return }
        let address = order[m.nextCandidate % order.count]
        guard mayPingHost(address.ip) else {
            if !(heldBack[address.ip]?.contains(slot) ?? false) { heldBack[address.ip, default: []].append(slot) }
            return
        }
        members[slot].nextCandidate += 1
        members[slot].lastVerificationAt = now
        if members[slot].firstTriedAt == nil { members[slot].firstTriedAt = now }
        sendVerificationPing(slot, to: address, punched: false)
    }

    /// §11.3's per-host limit on verification (and dial-back) pings: one per unverified host per
    /// probe interval; a host where a live member is verified runs Grapevine and is exempt.
    mutating func mayPingHost(_ ip: [UInt8]) -> Bool {
        if now >= verificationWindowEnds {
            verificationWindowEnds = now + config.probeIntervalMillis
            verificationHostsThisWindow = []
            heldBack = [:]
            verifiedHosts = Set(members.compactMap { $0.isLive ? $0.verified?.ip : nil })
        }
        return verifiedHosts.contains(ip) || verificationHostsThisWindow.insert(ip).inserted
    }

    /// A verification ping: it carries this node's own endpoint, so the member can verify it back.
    mutating func sendVerificationPing(_ slot: Int, to address: PeerAddress, punched: Bool) {
        let sequence = nextSequenceNumber()
        verifications.append(Verification(sequence: sequence, member: members[slot].identity, address: address,
                                          sentAt: now, deadline: now + config.probeIntervalMillis, punched: punched))
        var ping = GossipMessage()
        ping.ping = sequence
        if let own = selfEndpoint { ping.entries = [own.encoded] }
        send(ping, to: address, recipient: members[slot].identity, piggyback: false)
    }

    /// Once per probe interval, pings one random dead member at its verified address, telling it
    /// that it is held dead: if it is back, it refutes in the ack, which heals partitions.
    mutating func reconnect() {
        let dead = members.indices.filter { members[$0].status == .dead && members[$0].verified != nil }
        guard !dead.isEmpty else { return }
        let m = members[dead[Int.random(in: 0..<dead.count, using: &random)]]
        guard let target = m.verified else { return }
        var ping = GossipMessage()
        ping.ping = nextSequenceNumber()
        ping.members = [MemberUpdate(member: m.identity, status: .dead, incarnation: m.incarnation)]
        // Nothing else rides along: every node pings the few dead members, so these add up.
        send(ping, to: target, recipient: m.identity, piggyback: false)
    }

    /// Once per probe interval: a verification ping to each unverified live member not tried
    /// within the interval.
    mutating func retryVerifications() {
        for slot in members.indices where members[slot].verified == nil && members[slot].isLive {
            verify(slot)
        }
    }

    // MARK: - Forgetting

    /// Forgets every member that has gone `unverifiedTimeoutMillis` without a verified address
    /// (PROTOCOL.md §11.3): an invite whose address never answers, or a member others know but
    /// this node cannot reach, is not held forever.
    mutating func forgetUnverified() {
        for slot in members.indices where !members[slot].isForgotten && members[slot].verified == nil
            && now - min(now, members[slot].unverifiedSince) >= config.unverifiedTimeoutMillis {
            forget(slot)
        }
    }

    /// Drops what this node holds about a member but its identity, incarnation and endpoint, so
    /// the member's own datagram or a newer endpoint can take it up again (`recall`).
    mutating func forget(_ slot: Int) {
        let member = members[slot].identity
        if members[slot].isLive { liveCount -= 1 }
        if members[slot].status == .suspect {
            suspects.removeAll { $0 == slot }
            members[slot].status = .alive
        }
        members[slot].suspectors = []
        members[slot].firstTriedAt = nil
        members[slot].isForgotten = true
        queue.removeUpdate(about: member)
        verifications.removeAll { $0.member == member }
    }

    /// Takes a forgotten member up again, unverified, with a new time bound.
    mutating func recall(_ slot: Int) {
        guard members[slot].isForgotten else { return }
        members[slot].isForgotten = false
        members[slot].unverifiedSince = now
        members[slot].lastVerificationAt = nil
        if members[slot].isLive { liveCount += 1 }
    }

    // MARK: - Joining and leaving

    /// Queues this node's own alive update, so members that hear of it learn its incarnation.
    mutating func announceSelf() {
        queue.enqueue(MemberUpdate(member: identity, status: .alive, incarnation: incarnation))
    }

    /// Announces `left` at a higher incarnation to `fanout` members at once, then goes quiet.
    mutating func leave() {
        guard !isLeaving else { return }
        incarnation = incarnation < .max ? incarnation + 1 : incarnation
        queue.enqueue(MemberUpdate(member: identity, status: .left, incarnation: incarnation))
        gossip()
        isLeaving = true
    }
}
