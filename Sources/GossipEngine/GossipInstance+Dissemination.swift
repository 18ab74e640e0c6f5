import GrapevineCore

extension GossipInstance {
    /// A gossip tick: one compound message of queued updates and entries to each of `fanout`
    /// random reachable members.
    mutating func gossip() {
        for slot in randomReachable(count: config.fanout, excluding: nil) {
            guard let address = members[slot].verified else { continue }
            send(GossipMessage(), to: address, recipient: members[slot].identity, piggyback: true, budgeted: false)
        }
    }

    /// Encodes and sends a message. With `piggyback`, fills the payload budget with queued
    /// membership updates and entries, fewest transmissions first; unless it is a gossip tick's
    /// (`budgeted` false), membership updates ride along only while the piggyback byte budget
    /// allows (entries are bounded by their authors' budgets instead). A message left empty is not sent.
    mutating func send(_ message: GossipMessage, to address: PeerAddress, recipient: PublicIdentity, piggyback: Bool,
                       budgeted: Bool = true) {
        var message = message
        var filled = false
        // Nothing rides along to an unverified address, so a reply to a forged source is no
        // larger than what asked for it.
        if piggyback, !queue.isEmpty, isVerified(recipient, at: address) {
            let withUpdates = !budgeted || piggybackBudget.allows(now: now)
            fill(&message, recipient: recipient, withUpdates: withUpdates)
            filled = budgeted && withUpdates
        }
        guard !message.isEmpty else { return }
        let payload = message.encoded()
        if filled { piggybackBudget.spend(payload.count) }
        noteSent(to: address, recipient: recipient)
        output.append(.send(payload, to: address, recipient: recipient))
    }

    /// Fills the payload: membership updates first, but while entries are queued the updates take
    /// at most half of the room left, so a storm of membership changes (many false suspicions at
    /// high loss) cannot starve entries; then entries; then updates again in what remains (§11.6).
    private mutating func fill(_ message: inout GossipMessage, recipient: PublicIdentity, withUpdates: Bool) {
        var size = message.encoded().count
        let budget = config.payloadBudget
        let updateOrder = withUpdates ? BroadcastQueue.sendingOrder(queue.updates.map { ($0.transmits, $0.order) }) : []
        var included = [Bool](repeating: false, count: queue.updates.count)
        let updateShare = queue.entries.isEmpty ? budget : size + (budget - size) / 2
        addUpdates(updateOrder, upTo: updateShare, to: &message, size: &size, included: &included)
        let entryOrder = BroadcastQueue.sendingOrder(queue.entries.map { ($0.transmits, $0.order) })
        // Counted by author in a dictionary, only looked up: a list scanned per entry made a full
        // queue cost entries × authors per datagram.
        var perAuthor: [PublicIdentity: Int] = [:]
        for i in entryOrder {
            // The size test first: once the payload is full it is the cheapest to fail.
            let cost = GossipMessage.entrySize(queue.entries[i].bytes)
            guard size + cost <= budget else { continue }
            let entry = queue.entries[i]
            guard entry.author != recipient,
                  perAuthor[entry.author, default: 0] < config.entriesPerAuthorPerMessage else { continue }
            message.entries.append(entry.bytes)
            queue.entries[i].transmits += 1
            size += cost
            perAuthor[entry.author, default: 0] += 1
        }
        if updateShare < budget { addUpdates(updateOrder, upTo: budget, to: &message, size: &size, included: &included) }
        queue.retire(limit: retransmitLimit)
    }

    /// Adds queued updates in `order` while they fit below `limit`, skipping those already added.
    private mutating func addUpdates(_ order: [Int], upTo limit: Int, to message: inout GossipMessage,
                                     size: inout Int, included: inout [Bool]) {
        for i in order where !included[i] {
            guard size + MemberUpdate.smallestEncodedSize <= limit else { return }
            let cost = queue.updates[i].update.encodedSize
            guard size + cost <= limit else { continue }
            message.members.append(queue.updates[i].update)
            queue.updates[i].transmits += 1
            included[i] = true
            size += cost
        }
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
