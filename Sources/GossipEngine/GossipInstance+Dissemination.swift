import GrapevineCore

extension GossipInstance {
    /// A gossip tick: one compound message of queued updates and entries to each of `fanout`
    /// random reachable members.
    mutating func gossip() {
        for slot in randomReachable(count: config.fanout, excluding: nil) {
            guard let address = members[slot].verified else { continue }
            send(GossipMessage(), to: address, recipient: members[slot].identity, piggyback: true)
        }
    }

    /// Encodes and sends a message. With `piggyback`, fills the payload budget with queued
    /// membership updates, then entries, fewest transmissions first; a message left empty is not sent.
    mutating func send(_ message: GossipMessage, to address: PeerAddress, recipient: PublicIdentity, piggyback: Bool) {
        var message = message
        if piggyback, !queue.isEmpty { fill(&message, recipient: recipient) }
        let isEmpty = message.ping == nil && message.ack == nil && message.nack == nil && message.pingRequest == nil
            && message.members.isEmpty && message.entries.isEmpty && message.reconcile == nil && message.request.isEmpty
        guard !isEmpty else { return }
        output.append(.send(message.encoded(), to: address, recipient: recipient))
    }

    private mutating func fill(_ message: inout GossipMessage, recipient: PublicIdentity) {
        var size = message.encoded().count
        let budget = config.payloadBudget
        let updateOrder = BroadcastQueue.sendingOrder(queue.updates.map { ($0.transmits, $0.order) })
        for i in updateOrder {
            let update = queue.updates[i].update
            let cost = update.encodedSize
            guard size + cost <= budget else { continue }
            message.members.append(update)
            queue.updates[i].transmits += 1
            size += cost
        }
        let entryOrder = BroadcastQueue.sendingOrder(queue.entries.map { ($0.transmits, $0.order) })
        var perAuthor: [(author: PublicIdentity, count: Int)] = []
        for i in entryOrder {
            let entry = queue.entries[i]
            guard entry.author != recipient else { continue }
            let used = perAuthor.first { $0.author == entry.author }?.count ?? 0
            guard used < config.entriesPerAuthorPerMessage else { continue }
            let cost = GossipMessage.entrySize(entry.bytes)
            guard size + cost <= budget else { continue }
            message.entries.append(entry.bytes)
            queue.entries[i].transmits += 1
            size += cost
            if let j = perAuthor.firstIndex(where: { $0.author == entry.author }) {
                perAuthor[j].count += 1
            } else {
                perAuthor.append((entry.author, 1))
            }
        }
        queue.retire(limit: retransmitLimit)
    }

    /// Up to `count` distinct random reachable members, never `excluding`: random picks first,
    /// then a scan in table order, so the choice depends only on the seed.
    mutating func randomReachable(count: Int, excluding: Int?) -> [Int] {
        guard count > 0, !members.isEmpty else { return [] }
        var chosen: [Int] = []
        var attempts = 0
        while chosen.count < count, attempts < count * 4 {
            attempts += 1
            let slot = Int.random(in: 0..<members.count, using: &random)
            if members[slot].isReachable, slot != excluding, !chosen.contains(slot) { chosen.append(slot) }
        }
        if chosen.count < count {
            var rest = members.indices.filter { members[$0].isReachable && $0 != excluding && !chosen.contains($0) }
            rest.shuffle(using: &random)
            chosen += rest.prefix(count - chosen.count)
        }
        return chosen
    }
}
