import GrapevineCore
import GrapevineMerge

extension GossipInstance {
    /// Every reconciliation interval: open a session with one random reachable member by sending
    /// the fingerprint of the whole held set, unless the session opened before is still waiting
    /// for answers (it ends within its bounded re-sends).
    mutating func startReconciliation<Store: GossipStore>(store: Store) {
        guard let slot = randomReachable(count: 1, excluding: nil).first else { return }
        startReconciliation(with: slot, store: store)
    }

    mutating func startReconciliation<Store: GossipStore>(with slot: Int, store: Store) {
        guard session == nil, let address = members[slot].verified else { return }
        let opening = reconciler.opening(session: random.next(), index: store.reconciliationIndex)
        var opened = ReconcileSession(session: opening.session, peer: members[slot].identity, address: address,
                                      now: now, deadline: now + reconciliationRetryMillis)
        opened.add(opening)
        session = opened
        sendFrame(opening, to: address, recipient: members[slot].identity)
    }

    /// How long the initiator waits for an answer before re-sending: about two round trips,
    /// measured on direct probes.
    var reconciliationRetryMillis: UInt64 {
        max(config.minReconciliationRetryMillis, 2 * (smoothedRoundTrip ?? config.pingTimeoutMillis / 2))
    }

    /// Answers a frame: frames back for the ranges still open, the entries the peer lacks, and a
    /// request for the entries this node lacks, all to the datagram's source. A frame of the
    /// peer's own session (an even round) that leaves nothing open is answered with an empty
    /// frame, in the datagram that carries the request and the first entries, so the peer can
    /// tell an exchange that ended from one whose answer was lost.
    mutating func answerReconciliation<Store: GossipStore>(_ frame: ReconcileFrame, from source: PeerAddress,
                                                           sender: PublicIdentity, store: Store) {
        let mine = session?.accept(frame, from: sender) ?? false
        if !mine, frame.round % 2 == 1 { return }
        if mine, let open = session, !open.resent { noteRoundTrip(since: open.sentAt) }
        let answer = reconciler.answer(frame, index: store.reconciliationIndex)
        if mine, frame.round == 1, frame.ranges.isEmpty {
            noteQuietReconciliation()
        } else if !answer.frames.isEmpty || !answer.have.isEmpty || !answer.need.isEmpty {
            reconciliationChanged()
        }
        for reply in answer.frames {
            if mine { session?.add(reply) }
            sendFrame(reply, to: source, recipient: sender)
        }
        var first = GossipMessage()
        if !mine, answer.frames.isEmpty, Int(frame.round) < reconciler.maxRounds {
            first.reconcile = ReconcileFrame(session: frame.session, round: frame.round + 1, lower: frame.lower, ranges: [])
        }
        let wanted = Array(answer.need.prefix(config.maxEntriesPerAnswer))
        if mine { session?.requested += wanted }
        var requests = requestChunks(wanted)
        if !requests.isEmpty { first.request = requests.removeFirst() }
        sendEntries(Array(answer.have.prefix(config.maxEntriesPerAnswer)), to: source, recipient: sender,
                    startingWith: first)
        for ids in requests {
            var message = GossipMessage()
            message.request = ids
            send(message, to: source, recipient: sender, piggyback: false)
        }
        if !mine, !wanted.isEmpty, let slot = slots[sender] {
            // What this node asked for may be lost with one datagram: its own session with the
            // peer, which re-sends, fetches it for sure.
            startReconciliation(with: slot, store: store)
        }
        guard mine, var open = session else { return }
        // An answer is progress: the re-send budget is for one silence, not the whole session,
        // which at 50% loss needs several round trips of about four tries each (§12.4).
        open.resends = 0
        open.sentAt = now
        open.deadline = now + reconciliationRetryMillis
        session = open.isOpen ? open : nil
    }

    /// The session's answers are late: re-send the frames not answered and ask again for the ids
    /// still missing, at most `reconciliationResends` times since the peer last answered; then it
    /// ends, and a session with another random member opens at once.
    mutating func resendReconciliation<Store: GossipStore>(store: Store) {
        guard var open = session, now >= open.deadline else { return }
        guard open.isOpen else {
            session = nil
            return
        }
        guard open.resends < config.reconciliationResends else {
            // Given up with work left: when the peer had answered, loss cut the session short,
            // and another member may do better now rather than at the next interval. A peer that
            // never answered may not re-send or answer settled frames (an older node): then the
            // interval stands.
            session = nil
            if !open.answered.isEmpty { startReconciliation(store: store) }
            return
        }
        open.resends += 1
        open.resent = true
        open.deadline = now + reconciliationRetryMillis
        session = open
        for pending in open.pending { sendFrame(pending.frame, to: open.address, recipient: open.peer) }
        for ids in requestChunks(open.requested) {
            var message = GossipMessage()
            message.request = ids
            send(message, to: open.address, recipient: open.peer, piggyback: false)
        }
    }

    /// Ids to request, cut into `EntryRequest`s of at most `maxIdsPerRequest`.
    private func requestChunks(_ ids: [EntryID]) -> [[EntryID]] {
        stride(from: 0, to: ids.count, by: config.maxIdsPerRequest).map {
            Array(ids[$0..<min($0 + config.maxIdsPerRequest, ids.count)])
        }
    }

    private mutating func sendFrame(_ frame: ReconcileFrame, to address: PeerAddress, recipient: PublicIdentity) {
        var message = GossipMessage()
        message.reconcile = frame
        send(message, to: address, recipient: recipient, piggyback: false)
    }

    /// Asks the shell to send the held entries among `ids` after what `first` already holds
    /// (`GossipDirective.sendEntries`): the interpreter reads them from the store and packs them,
    /// so the engine never reads entry bytes. Ids no longer held (pruned, superseded) are skipped
    /// there, which the next session notices.
    mutating func sendEntries(_ ids: [EntryID], to address: PeerAddress, recipient: PublicIdentity,
                              startingWith first: GossipMessage = GossipMessage()) {
        guard !ids.isEmpty || !first.isEmpty else { return }
        noteSent(to: address, recipient: recipient)
        output.append(.sendEntries(ids, to: address, recipient: recipient, after: first))
    }

    /// Entries the store now holds are no longer missing from the open session: its re-sends
    /// ask only for the rest.
    mutating func noteHeld(_ entries: [SignedEntry]) {
        guard var open = session, !open.requested.isEmpty else { return }
        let held = Set(entries.map(\.id))
        open.requested.removeAll { held.contains($0) }
        session = open
    }
}
