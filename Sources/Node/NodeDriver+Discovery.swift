import Discovery
import GossipEngine
import GrapevineCore
import Sodium

/// What a node running with `--discover` keeps: the receiving checks, the sending schedule, who
/// was found, and the counters `status` shows.
struct DiscoveryState: Sendable {
    var filter: AnnouncementFilter
    var schedule: AnnouncementSchedule
    var table = NearbyTable()
    var status: DiscoveryStatus

    /// The filter judges announcements' send times by the wall reading; the schedule runs on the
    /// monotonic one, so a wall clock that steps neither bunches nor stops announcements.
    init(own: PublicIdentity, groups: String, interfaces: [String], intervalMillis: UInt64, wallMillis: UInt64,
         monotonicMillis: UInt64) {
        filter = AnnouncementFilter(own: own, nowMillis: wallMillis)
        schedule = AnnouncementSchedule(intervalMillis: intervalMillis, startMillis: monotonicMillis)
        status = DiscoveryStatus(groups: groups, interfaces: interfaces)
    }
}

extension NodeDriver {
    /// Turns discovery on, for the interfaces the shell's discovery socket joined.
    func startDiscovery(groups: String, interfaces: [String], intervalMillis: UInt64) {
        discovery = DiscoveryState(own: identity, groups: groups, interfaces: interfaces, intervalMillis: intervalMillis,
                                   wallMillis: now, monotonicMillis: timerNow)
    }

    /// This node's announcement, when one is due: its current endpoint entry, the time and a fresh nonce.
    func dueAnnouncement() -> [UInt8]? {
        let current = now
        guard var state = discovery, let endpoint = engine.selfEndpoint, state.schedule.take(nowMillis: timerNow) else {
            return nil
        }
        state.status.announcementsSent += 1
        discovery = state
        return Announcement.make(endpoint: endpoint, sentAtMillis: current, nonce: Sodium.randomBytes(Announcement.nonceLength),
                                 signingKey: signingKey)
    }

    /// Counts announcements the kernel refused to send.
    func announcementFailed(_ reasons: [String]) {
        for reason in reasons { discovery?.status.sendFailed[reason, default: 0] += 1 }
    }

    /// One datagram from the discovery socket. An announcement that passes every check is
    /// listed as nearby and its endpoint joined as an invite's would be: the engine pings its
    /// addresses and trusts none before an answer (PROTOCOL.md §17.4).
    func discovered(_ bytes: [UInt8], from source: PeerAddress) -> [OutgoingDatagram] {
        guard var state = discovery else { return [] }
        let current = now
        state.status.announcementsReceived += 1
        switch state.filter.check(bytes, sourceHost: source.ip, nowMillis: current) {
        case .failure(let reason):
            state.status.dropped[reason.rawValue, default: 0] += 1
            discovery = state
            return []
        case .success(let endpoint):
            state.status.accepted += 1
            let join = state.table.saw(endpoint.author, source: "\(source)", nowMillis: current)
            discovery = state
            guard join else { return [] }
            logger.info("discovered a node nearby", metadata: ["peer": "\(endpoint.author.fingerprint)", "from": "\(source)"])
            _ = try? ingestor.ingest([endpoint.encoded], physicalMillis: current)
            return run(.join(endpoint))
        }
    }

    /// The snapshot for `status.json`, with the nearby list as of now.
    func discoveryStatus() -> DiscoveryStatus? {
        guard var state = discovery else { return nil }
        let peers = state.table.listing(nowMillis: now)
        discovery = state
        state.status.nearby = peers.map { peer in
            DiscoveryStatus.Peer(id: peer.identity.text, fingerprint: peer.identity.fingerprint,
                                 firstSeenMillis: peer.firstSeenMillis, lastSeenMillis: peer.lastSeenMillis, source: peer.source)
        }
        return state.status
    }
}
