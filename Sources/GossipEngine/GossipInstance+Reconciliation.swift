import GrapevineCore
import GrapevineMerge

extension GossipInstance {
    /// Every reconciliation interval: open a session with one random reachable member by sending
    /// the fingerprint of the whole held set.
    mutating func startReconciliation<Store: GossipStore>(store: Store) {
        guard let slot = randomReachable(count: 1, excluding: nil).first, let address = members[slot].verified else { return }
        var message = GossipMessage()
        message.reconcile = reconciler.opening(session: random.next(), index: store.reconciliationIndex)
        send(message, to: address, recipient: members[slot].identity, piggyback: false)
    }

    /// Answers a frame: frames back for the ranges still open, the entries the peer lacks, and a
    /// request for the entries this node lacks, all to the datagram's source.
    mutating func answerReconciliation<Store: GossipStore>(_ frame: ReconcileFrame, from source: PeerAddress,
                                                           sender: PublicIdentity, store: Store) {
        let answer = reconciler.answer(frame, index: store.reconciliationIndex)
        for reply in answer.frames {
            var message = GossipMessage()
            message.reconcile = reply
            send(message, to: source, recipient: sender, piggyback: false)
        }
        sendEntries(Array(answer.have.prefix(config.maxEntriesPerAnswer)), to: source, recipient: sender, store: store)
        let wanted = answer.need.prefix(config.maxEntriesPerAnswer)
        for start in stride(from: wanted.startIndex, to: wanted.endIndex, by: config.maxIdsPerRequest) {
            var message = GossipMessage()
            message.request = Array(wanted[start..<min(start + config.maxIdsPerRequest, wanted.endIndex)])
            send(message, to: source, recipient: sender, piggyback: false)
        }
    }

    /// Sends the held entries among `ids`, packed into as few payloads as the budget allows; ids
    /// no longer held (pruned, superseded) are skipped, which the next session notices.
    mutating func sendEntries<Store: GossipStore>(_ ids: [EntryID], to address: PeerAddress, recipient: PublicIdentity, store: Store) {
        var message = GossipMessage()
        var size = message.encoded().count
        for id in ids {
            guard let bytes = store.encodedEntry(id) else { continue }
            let cost = GossipMessage.entrySize(bytes)
            if size + cost > config.payloadBudget, !message.entries.isEmpty {
                send(message, to: address, recipient: recipient, piggyback: false)
                message = GossipMessage()
                size = message.encoded().count
            }
            message.entries.append(bytes)
            size += cost
        }
        send(message, to: address, recipient: recipient, piggyback: false)
    }
}
