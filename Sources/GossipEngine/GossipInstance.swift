import GrapevineCore
import GrapevineMerge

/// One node's gossip protocol as a pure state machine, in the manner of swift-cluster-membership's
/// `SWIM.Instance`: the shell feeds it events with the current time and carries out the directives
/// it returns. It does no I/O, reads no clock and draws randomness only from `random`, so a seeded
/// run replays exactly; it never lets the order of a Set or Dictionary decide anything.
///
/// It runs SWIM membership with Lifeguard's refinements (§11), piggybacked dissemination of entries
/// and membership updates (§11.6), and range-based reconciliation of held entries (§12).
public struct GossipInstance<Random: RandomNumberGenerator> {
    public let identity: PublicIdentity
    public let config: GossipConfig
    public internal(set) var incarnation: UInt64
    /// Lifeguard's local-health multiplier: 0 when healthy; probing slows by a factor (1 + it).
    public internal(set) var localHealth = 0
    public internal(set) var isLeaving = false
    /// Endpoint addresses left out when learned, because a node never sends to them (§11.3).
    public internal(set) var ignoredAddresses: [UnusableAddress: Int] = [:]

    var random: Random
    let reconciler: Reconciler
    public internal(set) var selfEndpoint: SignedEntry?
    var members: [Member] = []
    var slots: [PublicIdentity: Int] = [:]
    var liveCount = 0
    var suspects: [Int] = []
    /// No suspect's deadline is earlier than this (it may be earlier than the true minimum).
    var earliestSuspicion = UInt64.max
    var probeOrder: [Int] = []
    var probeCursor = 0
    var probe: Probe?
    var relays: [RelayedPing] = []
    var verifications: [Verification] = []
    /// Verification pings go to each unverified host (IP) at most once per probe interval, however
    /// many members claim an address there: Sybil endpoints at one victim add up to one ping.
    /// Hosts where a member is verified run Grapevine and are exempt.
    var verificationWindowEnds: UInt64 = 0
    var verificationHostsThisWindow: Set<[UInt8]> = []
    var verifiedHosts: Set<[UInt8]> = []
    /// The members a verification ping skipped this probe interval because their host had had its
    /// one (§11.3), by host, in the order they were skipped: pinged as soon as a member there is
    /// verified, since the host then runs Grapevine and is exempt.
    var heldBack: [[UInt8]: [Int]] = [:]
    /// This node's interfaces and private prefixes, from the shell.
    let network: LocalNetwork
    /// Verified peers' reports of where they see this node, newest first, one per observer.
    var observations: [Observation] = []
    var reachabilityKind: Reachability.Kind = .none
    var observedAddress: PeerAddress?
    var observerCount = 0
    /// The observed address the shell was last asked to publish in this node's endpoint.
    var publishedObserved: PeerAddress?
    /// When a ping last arrived unasked from outside this node's subnets (§11.7).
    var confirmedAt: UInt64?
    /// When this node last sent to each UDP address, and to any port of each IP, within the
    /// confirmation window: the first decides confirmation, the second who may dial back.
    var sentTo: [PeerAddress: UInt64] = [:]
    var sentToIP: [[UInt8]: UInt64] = [:]
    var dialback = DialbackState()
    /// Sources of datagrams from senders not yet in the table, newest last.
    var unknownSources: [(member: PublicIdentity, source: PeerAddress)] = []
    var pendingPunches: [PendingPunch] = []
    /// Punch requests relayed per requester in the current probe interval.
    var punchWindowEnds: UInt64 = 0
    var punchesRelayed: [PublicIdentity: Int] = [:]
    var nextKeepaliveAt: UInt64 = 0
    /// Relaying for others, home relays and circuits (PROTOCOL.md §11.9).
    var relaying = RelayState()
    var queue: BroadcastQueue
    var forwarding: ForwardingBudget
    var piggybackBudget: PiggybackBudget
    var nextSequence: UInt64
    var nextProbeAt: UInt64
    var nextGossipAt: UInt64
    var nextReconcileAt: UInt64
    /// Sessions in a row that found the sets equal: the wait before the next one doubles with
    /// each, up to `maxReconciliationBackoff` intervals.
    var quietReconciliations = 0
    /// The reconciliation session this node opened and still waits on (§12.4).
    var session: ReconcileSession?
    /// Round trips of answered direct probes and of session frames answered without a re-send
    /// (Karn's rule), smoothed; it times reconciliation re-sends.
    var smoothedRoundTrip: UInt64?
    var scheduled: UInt64?
    var now: UInt64
    var output: [GossipDirective] = []

    /// - Parameters:
    ///   - incarnation: where this node's incarnation starts; the shell passes one above any it used
    ///     before (for example its boot time in seconds), so a restart outranks its old death.
    ///   - endpoint: this node's own signed endpoint entry, sent along when it introduces itself.
    ///   - knownPeers: peers this node verified before a restart; they are reachable at once.
    ///   - network: this node's interface addresses and private prefixes (PROTOCOL.md §5.4).
    public init(identity: PublicIdentity, config: GossipConfig = GossipConfig(), random: Random, now: UInt64,
                incarnation: UInt64 = 0, endpoint: SignedEntry? = nil, knownPeers: [KnownPeer] = [],
                network: LocalNetwork = LocalNetwork()) {
        self.identity = identity
        self.config = config
        self.network = network
        self.random = random
        self.now = now
        self.incarnation = incarnation
        self.selfEndpoint = endpoint
        self.reconciler = Reconciler(config: config)
        self.queue = BroadcastQueue(config: config)
        self.forwarding = ForwardingBudget(config: config)
        self.piggybackBudget = PiggybackBudget(config: config, now: now)
        nextSequence = self.random.next() >> 16
        // Spread the periodic work of many nodes over their intervals rather than in lockstep.
        nextProbeAt = now + UInt64.random(in: 0..<max(1, config.probeIntervalMillis), using: &self.random)
        nextGossipAt = now + UInt64.random(in: 0..<max(1, config.gossipIntervalMillis), using: &self.random)
        nextReconcileAt = now + UInt64.random(in: 0..<max(1, config.reconciliationIntervalMillis), using: &self.random)
        for peer in knownPeers where peer.identity != identity && slots[peer.identity] == nil
            && peer.address.unusable(listensOnLoopback: config.listensOnLoopback) == nil {
            var member = Member(identity: peer.identity, status: .alive, incarnation: 0, unverifiedSince: now)
            member.candidates = [peer.address]
            member.verified = peer.address
            insert(member)
        }
    }

    // MARK: - Reading

    /// Members in the order this node learned them, with their state and verified address;
    /// forgotten members are left out.
    public var membership: [MemberSnapshot] {
        members.filter { !$0.isForgotten }.map {
            MemberSnapshot(member: $0.identity, status: $0.status, incarnation: $0.incarnation, verified: $0.verified,
                             path: $0.path)
        }
    }

    public func status(of member: PublicIdentity) -> MemberStatus? {
        slots[member].flatMap { members[$0].isForgotten ? nil : members[$0].status }
    }

    /// What this node has tried towards verifying a member it holds but has not verified; nil
    /// for a verified, forgotten or unknown member.
    public func verificationAttempts(of member: PublicIdentity) -> VerificationAttempts? {
        guard let slot = slots[member], !members[slot].isForgotten, members[slot].verified == nil else { return nil }
        let m = members[slot]
        return VerificationAttempts(member: member, addresses: Array(m.candidates.prefix(m.nextCandidate)),
                                    firstTriedAt: m.firstTriedAt,
                                    forgetAt: m.unverifiedSince &+ config.unverifiedTimeoutMillis)
    }

    /// Live, verified members: the ones gossip reaches.
    public var reachableCount: Int { members.reduce(0) { $0 + ($1.isReachable ? 1 : 0) } }

    /// The slots, in order, of the members that pass `test`: the scans of each probe interval
    /// take the cheap tests first, and act on the slots after the scan.
    func slots(where test: (Member) -> Bool) -> [Int] { members.indices.filter { test(members[$0]) } }

    /// The group size used for retransmission and suspicion: live members and this node.
    public var groupSize: Int { liveCount + 1 }

    /// The current retransmit limit λ·⌈log10(n + 1)⌉.
    public var retransmitLimit: Int { config.retransmitLimit(members: groupSize) }

    // MARK: - Events

    /// Feeds one event at time `now` (Unix milliseconds) and returns what the shell must do.
    public mutating func handle<Store: GossipStore>(_ event: GossipEvent, now: UInt64, store: Store) -> [GossipDirective] {
        self.now = max(self.now, now)
        output = []
        switch event {
        case .datagram(let payload, let source, let sender):
            receive(payload, from: source, sender: sender, store: store)
        case .tick:
            break
        case .localEntry(let entry):
            if entry.author == identity, entry.kind == .endpoint { selfEndpoint = entry }
            noteHeld([entry])
            queue.enqueue(entry)
            reconciliationChanged()
        case .merged(let entries):
            noteHeld(entries)
            for entry in entries {
                if entry.author == identity || forwarding.take(entry.author, now: self.now) { queue.enqueue(entry) }
                learnEndpoint(entry)
            }
            if !entries.isEmpty { reconciliationChanged() }
        case .quarantined(let entries):
            noteHeld(entries)
            for entry in entries { learnEndpoint(entry) }
            if !entries.isEmpty { reconciliationChanged() }
        case .join(let entry):
            reconciliationChanged()
            learnEndpoint(entry)
            if let slot = slots[entry.author] { verify(slot) }
            announceSelf()
        case .leave:
            leave()
        case .relayFrame(let forwarded, let circuit, let innerSender, let source):
            forwardRelayFrame(forwarded, circuit: circuit, innerSender: innerSender, from: source)
        }
        runTimers(store: store)
        scheduleNextWake()
        return output
    }

    // MARK: - Timers

    mutating func runTimers<Store: GossipStore>(store: Store) {
        guard !isLeaving else { return }
        expireRelaysAndVerifications()
        if var current = probe {
            if !current.acked, !current.indirectSent, now >= current.pingDeadline {
                current.helpers = requestIndirectPings(for: current)
                current.indirectSent = true
                probe = current
            }
            if now >= current.endsAt {
                finishProbe(current)
                probe = nil
            }
        }
        if probe == nil, now >= nextProbeAt {
            nextProbeAt = now + config.probeIntervalMillis * UInt64(1 + localHealth)
            startProbe()
            forgetUnverified()
            retryVerifications()
            requestPunches()
            requestDialback()
            pruneSentTo()
            reconnect()
            maintainHomeRelays()
            maintainCircuits()
            tryDirectPaths()
        }
        if !pendingPunches.isEmpty { runPunches() }
        if now >= nextKeepaliveAt {
            sendKeepalives()
            nextKeepaliveAt = now + Self.keepaliveCheckMillis
        }
        expireSuspicions()
        if now >= nextGossipAt {
            if !queue.isEmpty { gossip() }
            nextGossipAt = Self.nextPhase(after: now, from: nextGossipAt, interval: config.gossipIntervalMillis)
        }
        resendReconciliation(store: store)
        if now >= nextReconcileAt {
            startReconciliation(store: store)
            nextReconcileAt = Self.nextPhase(after: now, from: nextReconcileAt, interval: reconciliationWait)
        }
    }

    /// The first time after `now` on the grid `from + k·interval`, so a late tick keeps the phase.
    static func nextPhase(after now: UInt64, from start: UInt64, interval: UInt64) -> UInt64 {
        let step = max(1, interval)
        guard now >= start else { return start }
        return start + ((now - start) / step + 1) * step
    }

    mutating func scheduleNextWake() {
        guard !isLeaving else { return }
        var wake = min(nextProbeAt, nextReconcileAt)
        if !queue.isEmpty { wake = min(wake, nextGossipAt) }
        if let probe {
            wake = min(wake, probe.endsAt)
            if !probe.acked, !probe.indirectSent { wake = min(wake, probe.pingDeadline) }
        }
        for relay in relays { wake = min(wake, relay.deadline) }
        if let session { wake = min(wake, session.deadline) }
        for punch in pendingPunches { wake = min(wake, punch.at) }
        if isBehindNAT, config.keepaliveIntervalMillis > 0 { wake = min(wake, nextKeepaliveAt) }
        wake = min(wake, earliestSuspicion)
        wake = max(wake, now + 1)
        if scheduled != wake {
            scheduled = wake
            output.append(.schedule(at: wake))
        }
    }

    /// How often keepalives due are looked for.
    static var keepaliveCheckMillis: UInt64 { 1000 }

    mutating func nextSequenceNumber() -> UInt64 {
        nextSequence &+= 1
        return nextSequence
    }
}
