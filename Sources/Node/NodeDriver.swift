import Foundation
import GossipEngine
import GossipInterpreter
import Discovery
import GrapevineCore
import GrapevineMerge
import GrapevineStore
import Logging
import SealedDatagrams
import Sodium

/// A datagram for the socket: sealed bytes and the peer's UDP address.
public struct OutgoingDatagram: Sendable, Equatable {
    public var bytes: [UInt8]
    public var address: PeerAddress
}

/// The node's one owner of protocol state. It opens datagrams, feeds the gossip engine through
/// the interpreter shared with the simulator (`DirectiveInterpreter`, with `NodeHost` for what
/// only the node does), and seals what the engine wants sent.
///
/// It performs no socket I/O itself and reads time only from the injected `NodeOptions.clock`:
/// every call returns the datagrams to send, so a test drives it by hand.
actor NodeDriver {
    let home: GrapevineHome
    let options: NodeOptions
    let identity: PublicIdentity
    let signingKey: Ed25519.SigningKey
    let store: Store
    /// The store's read model, made once: the engine's answers and the status read through it.
    let reader: StoreReader
    let ingestor: Ingestor
    /// Received entries, checked on all cores and committed in groups on the store's own thread.
    let pipeline: IngestPipeline<PublicIdentity>
    /// Rung by the pipeline after each commit: the tick loop's sleep ends then (`NodeService`).
    nonisolated let tickAlarm: TickAlarm
    var interpreter: DirectiveInterpreter<SeededRandom>
    var engine: GossipInstance<SeededRandom> { interpreter.engine }
    let clock: TimeSource
    /// The monotonic reading at the start, in milliseconds: where `timerNow` begins.
    let startedMonotonic: UInt64
    let publisher: EndpointPublisher
    var sealer: DatagramSealer
    var opener: DatagramOpener
    var counters = NodeCounters()
    var lastSeen: BoundedLRU<PublicIdentity, UInt64>
    var otherVersions = OtherVersionPeers()
    var loggedNewerDatagram = false
    var nextWake: UInt64 = 0
    var nextOutboxPoll: UInt64 = 0
    var nextHousekeeping: UInt64 = 0
    var nextStatusCheck: UInt64 = 0
    /// When the sleep `sleepMillis` chose ends; nil once it has (`tick`) or has been cut short.
    var sleepDeadline: UInt64?
    var statusFile = StatusFile()
    let startedMillis: UInt64
    let listenDescription: String
    let advertised: [NodeAddress]
    let logger: Logger
    let mergeLog: FileHandle?
    var peersFile: PeersFile
    let storeWatch: StoreFileWatch
    /// Set once the store file is found deleted or replaced: the node then stops.
    private(set) var storeLost: StoreFileLost?
    var sendFailureLog = SendFailureLog()
    /// Present while the node runs with `--discover`.
    var discovery: DiscoveryState?

    init(home: GrapevineHome, options: NodeOptions, signingKey: Ed25519.SigningKey, store: Store,
         endpoint: SignedEntry, advertised: [NodeAddress], network: LocalNetwork, listenDescription: String,
         logger: Logger) {
        self.home = home
        self.signingKey = signingKey
        self.options = options
        self.identity = PublicIdentity(signingKey)
        self.store = store
        self.reader = store.reader
        self.ingestor = Ingestor(store: store)
        let clock = options.clock
        self.clock = clock
        let alarm = TickAlarm()
        self.tickAlarm = alarm
        self.pipeline = IngestPipeline(ingestor: ingestor, monotonicNanos: clock.monotonicNanos,
                                       physicalMillis: clock.wallMillis, committed: { alarm.ring() })
        self.publisher = EndpointPublisher(store: store, signingKey: signingKey, advertised: advertised, logger: logger)
        self.advertised = advertised
        self.listenDescription = listenDescription
        self.logger = logger
        self.storeWatch = StoreFileWatch(path: home.storePath)
        let now = clock.wallMillis()
        self.startedMillis = now
        self.startedMonotonic = clock.monotonicMillis
        let epoch = NodeEpoch.next(home: home, nowMillis: now)
        // One cache of shared keys for both directions: a peer's key is derived once.
        let opener = DatagramOpener(signingKey: signingKey, limits: options.limits)
        self.opener = opener
        self.sealer = DatagramSealer(signingKey: signingKey, epoch: epoch, keys: opener.keys)
        self.lastSeen = BoundedLRU(capacity: options.gossip.maxMembers)
        let known = KnownPeer.load(home: home)
        self.peersFile = PeersFile(loaded: known, spacingMillis: options.peersSpacingMillis)
        var seed: UInt64 = 0
        for byte in Sodium.randomBytes(8) { seed = seed << 8 | UInt64(byte) }
        self.interpreter = DirectiveInterpreter(engine: GossipInstance(
            identity: PublicIdentity(signingKey), config: options.gossip, random: SeededRandom(seed: seed), now: now,
            incarnation: epoch, endpoint: endpoint, knownPeers: known, network: network))
        if options.mergeLog {
            let path = home.path(of: .mergeLog)
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            let handle = FileHandle(forWritingAtPath: path)
            handle?.seekToEndOfFile()
            self.mergeLog = handle
        } else {
            self.mergeLog = nil
        }
    }

    /// The wall clock (Unix milliseconds): stamps, the future tolerance, `status.json`.
    var now: UInt64 { clock.wallMillis() }

    /// The timeline of the engine and the node's own timers: the monotonic clock, in
    /// milliseconds, counted from the wall reading at the start, so the engine's times still read
    /// as Unix times in `status.json` while a jump of the system clock moves no timer.
    var timerNow: UInt64 {
        let monotonic = clock.monotonicMillis
        return startedMillis + (monotonic > startedMonotonic ? monotonic - startedMonotonic : 0)
    }

    /// How long the shell may sleep before the next call to `tick`: until the earliest of its
    /// timers is due. A commit meanwhile ends the sleep through `tickAlarm`, so a batch being
    /// checked or committed is no reason to poll; so does a datagram or an event that brings a
    /// timer forward (`ringIfDueSooner`), so the sleep needs no cap to keep timers on time, and an
    /// idle node wakes for its probes and checks alone.
    func sleepMillis() -> UInt64 {
        if pipeline.hasCompleted { return 0 }
        let due = earliestDue
        let current = timerNow
        guard due > current else { return 0 }
        sleepDeadline = due
        return due - current
    }

    /// The earliest time `tick` has work: the engine's next timer, the outbox poll, housekeeping,
    /// the status check, and a `peers.json` write waiting for its turn.
    var earliestDue: UInt64 {
        min(nextWake, nextOutboxPoll, nextHousekeeping, nextStatusCheck, peersFile.pendingDue ?? .max)
    }

    /// Ends the tick loop's sleep when a timer is now due before the sleep would have ended.
    private func ringIfDueSooner() {
        guard let deadline = sleepDeadline, earliestDue < deadline else { return }
        sleepDeadline = nil
        tickAlarm.ring()
    }

    // MARK: Events

    /// Joins through the peers of invites given on the command line.
    func join(_ invites: [Invite]) -> [OutgoingDatagram] {
        catchUpPrivateFields()
        var out: [OutgoingDatagram] = []
        for invite in invites {
            _ = try? ingestor.ingest([invite.entry.encoded], physicalMillis: now)
            out += run(.join(invite.entry))
        }
        return out
    }

    /// One datagram from the socket.
    func receive(_ bytes: [UInt8], from source: PeerAddress) -> [OutgoingDatagram] {
        counters.datagramsIn += 1
        counters.bytesIn += bytes.count
        if RelayFrame.isRelayFrame(bytes) { return receiveRelayFrame(bytes, from: source) }
        switch opener.open(bytes, source: source.ip, nowMillis: timerNow) {
        case .failure(let reason):
            counters.drop(reason.rawValue)
            logger.debug("dropped datagram", metadata: ["from": "\(source)", "reason": "\(reason.rawValue)"])
            if reason == .newerVersion, !loggedNewerDatagram {
                loggedNewerDatagram = true
                logger.warning("a datagram of a newer protocol version arrived: upgrade grapevine to talk to its sender",
                               metadata: ["from": "\(source)", "version": "\(DatagramFormat.version)"])
            }
            return []
        case .success(let opened):
            guard opened.version == DatagramFormat.version else {
                // Opened only to learn who sent it; the payload's own version is what is authenticated.
                counters.drop(GossipDecodeError.Code.oldVersion.rawValue)
                if let stated = GossipMessage.statedVersion(opened.payload), stated != GossipConfig.protocolVersion {
                    noteOtherVersion(opened.sender, version: stated, from: source)
                }
                return []
            }
            lastSeen.set(opened.sender, now)
            return run(.datagram(opened.payload, from: source, sender: opened.sender))
        }
    }

    /// Lists a peer that speaks another version for `status`, and logs it once, with what to do.
    private func noteOtherVersion(_ peer: PublicIdentity, version: UInt32, from source: PeerAddress) {
        guard otherVersions.note(peer, version: version, address: "\(source)", nowMillis: now) else { return }
        let hint = version < GossipConfig.protocolVersion
            ? "that peer runs an older grapevine and must upgrade to talk to this node"
            : "that peer runs a newer grapevine: upgrade this node to talk to it"
        logger.warning("peer speaks protocol version \(version), this node \(GossipConfig.protocolVersion): \(hint)",
                       metadata: ["peer": "\(peer.fingerprint)", "from": "\(source)"])
    }

    /// Timers, the outbox of other processes' writes, quarantine and the status snapshot.
    func tick() -> [OutgoingDatagram] {
        sleepDeadline = nil
        var out = finishIngests()
        let current = timerNow
        if current >= nextWake {
            out += run(.tick)
        }
        if current >= nextOutboxPoll {
            nextOutboxPoll = current + options.outboxPollMillis
            out += pollOutbox()
        }
        if current >= nextHousekeeping {
            nextHousekeeping = current + options.housekeepingMillis
            housekeeping()
        }
        if current >= nextStatusCheck {
            nextStatusCheck = current + options.statusCheckMillis
            writeStatus(force: false)
        }
        savePeersIfDue()
        return out
    }

    /// Tells peers this node is leaving, and writes a last snapshot.
    func leave() -> [OutgoingDatagram] {
        pipeline.stop()
        var out = finishIngests()
        out += run(.leave)
        housekeeping()
        writeStatus(force: true)
        savePeersIfDue(stopping: true)
        try? mergeLog?.synchronize()
        return out
    }

    // MARK: Directives

    /// Feeds one event to the interpreter and carries out what its directives left for the
    /// actor; the events they cause (`.localEntry` for a published endpoint) run within.
    func run(_ event: GossipEvent) -> [OutgoingDatagram] {
        var host = makeHost()
        interpreter.handle(event, now: timerNow, host: &host)
        return finish(host)
    }

    private func makeHost() -> NodeHost {
        NodeHost(store: StoreView(reader: reader), pipeline: pipeline, publisher: publisher, wallMillis: now)
    }

    /// Seals and counts the sends the host recorded, in order, and logs and counts the rest.
    private func finish(_ host: NodeHost) -> [OutgoingDatagram] {
        var out: [OutgoingDatagram] = []
        for send in host.sends {
            switch send {
            case .sealed(let payload, let address, let recipient):
                if let reason = address.unusable(listensOnLoopback: options.gossip.listensOnLoopback) {
                    sendFailed("refused:" + reason.rawValue, to: address)
                    continue
                }
                guard let sealed = sealer.seal(payload, to: recipient) else {
                    logger.warning("payload too large to seal", metadata: ["peer": "\(recipient.fingerprint)"])
                    continue
                }
                let datagram = wire(sealed, to: address)
                counters.datagramsOut += 1
                counters.bytesOut += datagram.bytes.count
                out.append(datagram)
            case .forward(let frame, let address):
                if let datagram = forwardFrame(frame, to: address) { out.append(datagram) }
            }
        }
        if let wake = host.wake { nextWake = wake }
        if host.overflow > 0 { counters.entries["overflow", default: 0] += host.overflow }
        for change in host.changes {
            logger.info("member \(change.report.rawValue)", metadata: [
                "peer": "\(change.member.fingerprint)", "incarnation": "\(change.incarnation)",
                "address": "\(change.verified.map(String.init(describing:)) ?? "-")",
            ])
        }
        if !host.changes.isEmpty {
            peersFile.membershipChanged()
            savePeersIfDue()
            statusChanged()
        }
        for refusal in host.refusals {
            counters.drop(refusal.error.code.rawValue)
            if let version = refusal.error.spokenVersion {
                noteOtherVersion(refusal.sender, version: version, from: refusal.source)
            }
        }
        ringIfDueSooner()
        return out
    }

    /// Counts a datagram that was not sent, and logs it unless this address was logged within
    /// the last minute. Never more than a counter: a peer chooses the addresses it advertises.
    func sendFailed(_ reason: String, to address: PeerAddress) {
        counters.sendFailed[reason, default: 0] += 1
        guard sendFailureLog.shouldLog(address, now: timerNow) else { return }
        logger.warning("could not send a datagram", metadata: [
            "address": "\(address)", "reason": "\(reason)", "note": "logged once a minute per address",
        ])
    }

    /// Hands the engine what the store committed since the last call: the entries it newly
    /// merged and those it newly holds in quarantine. Each `merge.log` line is written here,
    /// after its commit, so the log never names an entry a crash could lose.
    private func finishIngests() -> [OutgoingDatagram] {
        var completion = IngestCompletion()
        let stamp = now
        for done in pipeline.completed() {
            guard let outcomes = done.outcomes else {
                logger.error("ingest failed", metadata: ["error": "\(done.error.map { "\($0)" } ?? "?")",
                                                         "peer": "\(done.tag.fingerprint)"])
                continue
            }
            for (item, result) in zip(done.items, outcomes) {
                counters.entry(result.outcome)
                guard case .verified(let entry) = item else { continue }
                if result.outcome == .quarantined { completion.quarantined.append(entry) }
                guard result.outcome == .new else { continue }
                completion.merged.append(entry)
                if let mergeLog { mergeLog.write(Data("\(stamp) \(entry.id.hex)\n".utf8)) }
            }
        }
        followPrivateFields(completion.merged)
        guard !completion.merged.isEmpty || !completion.quarantined.isEmpty else { return [] }
        var host = makeHost()
        interpreter.ingestCompleted(completion, now: timerNow, host: &host)
        return finish(host)
    }

    /// Sends on what other processes (the CLI) wrote; an invite's endpoint queued by `peer add`
    /// becomes a join.
    func pollOutbox() -> [OutgoingDatagram] {
        do {
            try store.refresh(physicalMillis: now)
            let queued = try store.outbox()
            guard let last = queued.last?.sequence else { return [] }
            var out: [OutgoingDatagram] = []
            for item in queued {
                guard let entry = try? SignedEntry.decode(item.encoded) else { continue }
                if entry.author == identity {
                    counters.localEntries += 1
                    out += run(.localEntry(entry))
                } else if entry.kind == .endpoint {
                    out += run(.join(entry))
                }
            }
            try store.removeFromOutbox(through: last)
            return out
        } catch {
            logger.error("reading the outbox failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    private func housekeeping() {
        if storeLost == nil, let lost = storeWatch.check() {
            storeLost = lost
            logger.error("store file lost; stopping the node", metadata: ["store": "\(lost.path)",
                                                                          "replaced": "\(lost.replaced)"])
        }
        _ = try? store.releaseDue(physicalMillis: now)
    }

    /// Writes the verified members to `peers.json` when the membership changed and `PeersFile`
    /// says the file's turn has come, or whatever its turn when the node stops (`stopping`).
    private func savePeersIfDue(stopping: Bool = false) {
        guard stopping ? peersFile.isStale : peersFile.isDue(now: timerNow) else { return }
        let peers = engine.membership.compactMap { change -> KnownPeer? in
            // A relay path's circuit does not outlive this run.
            guard change.status == .alive || change.status == .suspect, let address = change.verified, !address.isRelayed
            else { return nil }
            return KnownPeer(identity: change.member, address: address)
        }.sorted { $0.identity < $1.identity }
        guard let changed = peersFile.take(peers, now: timerNow) else { return }
        do {
            try KnownPeer.save(changed, home: home)
        } catch {
            logger.warning("could not save peers.json", metadata: ["error": "\(error)"])
        }
    }
}
