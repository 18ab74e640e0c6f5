import GrapevineCore
import GrapevineMerge

extension GossipInstance {
    /// One datagram: every frame it carries, in a fixed order. Replies go to `source`.
    mutating func receive<Store: GossipStore>(_ payload: [UInt8], from source: PeerAddress, sender: PublicIdentity, store: Store) {
        guard sender != identity else { return }
        let message: GossipMessage
        do {
            message = try GossipMessage.decode(payload)
        } catch {
            output.append(.refused(error, from: source, sender: sender))
            return
        }
        if let slot = slots[sender], members[slot].isForgotten {
            // A forgotten member that speaks for itself is taken up again, and verified anew.
            recall(slot)
            verify(slot)
        }
        for update in message.members { apply(update, from: sender) }
        // Judged before anything is sent back: pinging a reflexive source would count as asked.
        if message.ping != nil { noteUnaskedPing(from: source) }
        noteSource(source, of: sender)
        if !message.entries.isEmpty { output.append(.ingest(message.entries, from: sender)) }
        if let sequence = message.ping {
            answerPing(sequence, from: source, sender: sender, pingSize: payload.count)
        }
        if let sequence = message.ack {
            receiveAck(sequence, from: source, sender: sender)
            if let observed = message.observed { observe(observed, by: sender, at: source) }
        }
        if let sequence = message.nack, var current = probe, current.sequence == sequence {
            current.nacks += 1
            probe = current
        }
        if let request = message.pingRequest {
            relayPing(request.sequence, target: request.target, origin: source, originIdentity: sender)
        }
        if let request = message.punchRequest { relayPunch(request, from: source, sender: sender) }
        if let punch = message.punch { acceptPunch(punch, from: source, sender: sender) }
        if let request = message.dialbackRequest { passOnDialback(request, from: source, sender: sender) }
        if let request = message.dialback { dialBack(request, from: source, sender: sender) }
        if let control = message.relay { receiveRelayControl(control, from: source, sender: sender) }
        // Answers that can be larger than what asked for them go only to a verified address: a
        // source address can be forged, and the answer would then hit whoever owns it.
        guard isVerified(sender, at: source) else { return }
        if let frame = message.reconcile {
            answerReconciliation(frame, from: source, sender: sender, store: store)
        }
        if !message.request.isEmpty {
            sendEntries(message.request.prefix(config.maxIdsPerRequest).map { $0 }, to: source, recipient: sender)
        }
    }

    /// Whether `address` is the verified address of `member`: a ping sent there was answered by
    /// it. Any verified relay path to it counts (§11.9.6): each end may use another of them.
    func isVerified(_ member: PublicIdentity, at address: PeerAddress) -> Bool {
        guard let slot = slots[member] else { return false }
        return members[slot].verified == address || (members[slot].verified != nil && isVerifiedRelayPath(address, to: member))
    }

    /// A round trip that began at `sentAt` ended now: smoothed as TCP does (7/8 old, 1/8 new).
    mutating func noteRoundTrip(since sentAt: UInt64) {
        let sample = now - min(now, sentAt)
        smoothedRoundTrip = smoothedRoundTrip.map { ($0 * 7 + sample) / 8 } ?? sample
    }

    mutating func answerPing(_ sequence: UInt64, from source: PeerAddress, sender: PublicIdentity, pingSize: Int) {
        var reply = GossipMessage()
        reply.ack = sequence
        // A sender we hold suspect, dead or left learns it at once, so it can refute.
        if let slot = slots[sender], members[slot].status != .alive {
            let m = members[slot]
            reply.members.append(MemberUpdate(member: m.identity, status: m.status, incarnation: m.incarnation,
                                              reporter: m.status == .suspect ? identity : nil))
        }
        reply.observed = observedForAck(source, sender: sender, pingSize: pingSize, ack: reply)
        send(reply, to: source, recipient: sender, piggyback: true)
    }

    mutating func receiveAck(_ sequence: UInt64, from source: PeerAddress, sender: PublicIdentity) {
        if var current = probe, current.sequence == sequence, !current.acked {
            current.acked = true
            probe = current
            if sender == members[current.target].identity, !source.isRelayed {
                // Only a direct ack measures the round trip; one passed on by a helper or a
                // relay took two.
                noteRoundTrip(since: current.sentAt)
            }
            localHealth = max(0, localHealth - 1)
            if sender == members[current.target].identity { probeAcked(current.target, on: source, since: current.sentAt) }
            if members[current.target].verified == source, !source.isRelayed {
                members[current.target].roundTripMillis = now - current.sentAt
            }
        }
        if let i = verifications.firstIndex(where: { $0.sequence == sequence }) {
            let pending = verifications[i]
            // Verified only when the member itself answered from the very address that was pinged.
            if pending.member == sender, pending.address == source, let slot = slots[sender] {
                verifications.remove(at: i)
                if source.isRelayed {
                    relayPathAcked(source, since: pending.sentAt)
                } else {
                    members[slot].roundTripMillis = now - pending.sentAt
                }
                // A relay path is taken only by a member with no path; a UDP address always
                // replaces a relay path (§11.9.7).
                if members[slot].verified != source, mayVerify(slot, source),
                   !source.isRelayed || members[slot].verified == nil {
                    let joining = !members.contains(where: \.isReachable)
                    members[slot].verified = source
                    members[slot].path = source.isRelayed ? .relayed : pending.punched ? .punched : .direct
                    members[slot].firstTriedAt = nil
                    addToProbeRound(slot)
                    emitChange(slot)
                    verifiedNewly(host: source.ip, joining: joining)
                }
            }
        }
        if let i = relays.firstIndex(where: { $0.sequence == sequence }) {
            let relay = relays.remove(at: i)
            var forward = GossipMessage()
            forward.ack = relay.originSequence
            send(forward, to: relay.origin, recipient: relay.originIdentity, piggyback: true)
        }
    }

    mutating func relayPing(_ originSequence: UInt64, target: PublicIdentity, origin: PeerAddress, originIdentity: PublicIdentity) {
        guard let slot = slots[target], let address = members[slot].verified, target != identity else {
            // Cannot help: say so at once, which still tells the requester this node is reachable.
            var nack = GossipMessage()
            nack.nack = originSequence
            send(nack, to: origin, recipient: originIdentity, piggyback: false)
            return
        }
        let sequence = nextSequenceNumber()
        relays.append(RelayedPing(sequence: sequence, originSequence: originSequence, origin: origin,
                            originIdentity: originIdentity, deadline: now + pingTimeout(to: address)))
        var ping = GossipMessage()
        ping.ping = sequence
        send(ping, to: address, recipient: target, piggyback: true)
        pingOtherRelayPaths(of: slot, sequence: sequence)
    }

    mutating func expireRelaysAndVerifications() {
        while let i = relays.firstIndex(where: { $0.deadline <= now }) {
            let relay = relays.remove(at: i)
            var nack = GossipMessage()
            nack.nack = relay.originSequence
            send(nack, to: relay.origin, recipient: relay.originIdentity, piggyback: false)
        }
        // Every deadline is one probe interval after its ping and time only grows, so the
        // expired verifications are a prefix: no scan of the many pending ones on every event.
        if let first = verifications.first, first.deadline <= now {
            verifications.removeFirst(verifications.firstIndex { $0.deadline > now } ?? verifications.count)
        }
    }
}
