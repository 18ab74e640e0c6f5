import GrapevineCore

extension GossipInstance {
    // MARK: - Addresses

    /// A member's addresses come only from its own signed endpoint entry, the newest one seen,
    /// less those a node never sends to. The entry itself is kept and forwarded as it is.
    mutating func learnEndpoint(_ entry: SignedEntry) {
        guard entry.kind == .endpoint, entry.author != identity, case .endpoint(let info) = entry.content else { return }
        let slot: Int
        if let known = slots[entry.author] {
            slot = known
        } else {
            guard let created = insert(Member(identity: entry.author, status: .alive, incarnation: 0, unverifiedSince: now))
            else { return }
            slot = created
            if let i = unknownSources.firstIndex(where: { $0.member == entry.author }) {
                members[slot].reflexive = unknownSources.remove(at: i).source
            }
        }
        if let seen = members[slot].endpointStamp, seen >= entry.stamp { return }
        recall(slot)
        members[slot].endpointStamp = entry.stamp
        members[slot].advertised = usableCandidates(info.addresses)
        members[slot].relays = Self.relayKeys(info.addresses)
        members[slot].nextCandidate = 0
        updateCandidates(slot)
        verify(slot)
    }

    /// Recomputes a member's candidates from its advertised addresses; a verified address that is
    /// no longer among them (nor the reflexive one) is cleared.
    mutating func updateCandidates(_ slot: Int) {
        let candidates = usableAddresses(members[slot].advertised)
        members[slot].candidates = candidates
        if members[slot].reflexive.map(candidates.contains) == true { members[slot].reflexive = nil }
        if let verified = members[slot].verified, !mayVerify(slot, verified) {
            members[slot].verified = nil
            members[slot].path = .direct
            members[slot].unverifiedSince = now
            members[slot].firstTriedAt = nil
            queue.removeUpdate(about: members[slot].identity)
            emitChange(slot)
        }
    }

    /// The addresses of a member's endpoint this node tries, in the order of PROTOCOL.md §5.4:
    /// private, unique-local and link-local addresses first, but only when the member is behind
    /// this node's own observed public IP or on one of its subnets (otherwise they name someone
    /// else's LAN); then forwarded, interface, unsaid and observed addresses; loopback last.
    func usableAddresses(_ advertised: [NodeAddress]) -> [PeerAddress] {
        let ownPublic = publicIP
        let memberPublic = advertised.filter { $0.origin == .observed || network.scope($0.ip) == .global }.map(\.ip)
        var ranked: [(rank: Int, address: PeerAddress)] = []
        for address in advertised {
            guard let peer = PeerAddress(address), !ranked.contains(where: { $0.address == peer }) else { continue }
            let rank: Int
            switch network.scope(address.ip) {
            case .privateNetwork:
                let sameNAT = ownPublic.map { memberPublic.contains($0) } ?? false
                guard sameNAT || network.isOnLink(address.ip) else { continue }
                rank = 0
            case .global:
                switch address.origin {
                case .forwarded: rank = 1
                case .interface: rank = 2
                case nil: rank = 3
                case .observed: rank = 4
                // A relay address is reached through a circuit at the relay, never as a UDP address.
                case .relay: continue
                }
            case .loopback:
                rank = 5
            }
            ranked.append((rank, peer))
        }
        // A stable sort: within a rank, the entry's own order.
        return ranked.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element.address)
    }

    /// This node's public IP as its observers see it, if they agree.
    var publicIP: [UInt8]? { reachabilityKind == .symmetric ? nil : observedAddress?.ip }

    /// A datagram of `sender` came from `source`: when that is none of the member's candidates,
    /// it is the public side of the member's NAT mapping, which this node may ping (§11.3's
    /// limits) and verify for itself. Senders not yet known are remembered briefly, since their
    /// endpoint entry usually arrives in the same datagram.
    mutating func noteSource(_ source: PeerAddress, of sender: PublicIdentity) {
        // A relay path is held as a circuit, never taken as a reflexive address.
        guard !source.isRelayed else { return }
        guard let slot = slots[sender] else {
            unknownSources.removeAll { $0.member == sender }
            unknownSources.append((sender, source))
            if unknownSources.count > Self.maxUnknownSources { unknownSources.removeFirst() }
            return
        }
        let m = members[slot]
        guard m.verified == nil, !m.isForgotten, !m.candidates.contains(source), m.reflexive != source
        else { return }
        members[slot].reflexive = source
        members[slot].nextCandidate = 0
        verify(slot)
    }

    static var maxUnknownSources: Int { 16 }
}
