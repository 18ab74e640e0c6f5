import GossipEngine
import GossipInterpreter
import GrapevineCore
import GrapevineMerge
import Sodium

/// A deterministic network of gossip nodes on virtual time. Each node runs a real
/// `GossipInstance` and a real `MergeCore`; the network loses, delays, duplicates and reorders
/// datagrams, partitions and heals, and crashes and restarts nodes, all drawn from one seed, so
/// the same seed replays the same run exactly. The engine's directives are carried out by the
/// node's own `DirectiveInterpreter`; only sending, timers and ingest are the simulator's
/// (`SimHost`), and an ingest completes at once, at the virtual time it began.
public final class Simulator {
    /// How the nodes first know each other.
    public enum Bootstrap: Sendable {
        /// Every node has verified every other and holds every node's endpoint entry before the run,
        /// as after joining (or a restart with persisted peers).
        case fullMesh
        /// Every node knows only this node's endpoint entry (an invite) and joins through it.
        case introducer(Int)
        /// Node i joins through introducer `i % count` of these (public invites).
        case introducers([Int])
    }

    public let seed: UInt64
    public let config: GossipConfig
    public let ids: SimIdentities
    public var link: LinkModel
    public private(set) var now: UInt64
    public var count: Int { ids.count }

    private var random: SeededRandom
    private var queue = EventQueue()
    private var interpreters: [DirectiveInterpreter<SeededRandom>?]
    public private(set) var stores: [SimStore]
    private var generations: [UInt64]
    private var clocks: [HybridLogicalClock]
    /// How far each node's wall clock runs ahead of (or behind) virtual time.
    private var clockOffsets: [Int64]
    private var nodeAt: [PeerAddress: Int] = [:]
    private var group: [Int]
    private var linkLoss: [Int: Double] = [:]
    private var verified: [[UInt8]: SignedEntry] = [:]
    private var restarts = 0
    /// The home routers, when `ids` puts nodes behind NATs.
    private var routers: SimRouters?
    /// By node: the observed address and relay addresses its engine last asked to publish.
    /// What each node's engine last asked it to list in its endpoint beside its own address.
    var observedOf: [PeerAddress?]
    var relaysOf: [[NodeAddress]]

    /// Bytes sent and received per node per 100 ms since `statsStart` (see `peakWindow`).
    public private(set) var bytesOut: [[Int]]
    public private(set) var bytesIn: [[Int]]
    public var statsStart: UInt64
    /// Counts, for tracked ids, how many nodes hold them; `fullAt` is when all `count` did.
    public private(set) var holders: [EntryID: Int] = [:]
    public private(set) var fullAt: [EntryID: UInt64] = [:]
    /// Every membership change, as (time, observer, change), when `recordMembership` is set.
    public var recordMembership = false
    public private(set) var membershipLog: [(time: UInt64, observer: Int, change: MemberSnapshot)] = []
    public private(set) var datagramsSent = 0

    /// - Parameter mappingTimeoutMillis: how long a NAT keeps a flow after its last outgoing
    ///   datagram (RFC 4787 requires at least 2 minutes), when `ids` has NATs.
    public init(ids: SimIdentities, seed: UInt64, config: GossipConfig = GossipConfig(), link: LinkModel = LinkModel(),
                bootstrap: Bootstrap = .fullMesh, mappingTimeoutMillis: UInt64 = 120_000) {
        self.seed = seed
        self.config = config
        self.ids = ids
        self.link = link
        self.now = ids.start
        self.random = SeededRandom(seed: seed)
        let n = ids.count
        interpreters = Array(repeating: nil, count: n)
        stores = Array(repeating: SimStore(), count: n)
        generations = Array(repeating: 0, count: n)
        clocks = Array(repeating: HybridLogicalClock(), count: n)
        clockOffsets = Array(repeating: 0, count: n)
        group = Array(repeating: 0, count: n)
        bytesOut = Array(repeating: [], count: n)
        bytesIn = Array(repeating: [], count: n)
        statsStart = ids.start
        observedOf = Array(repeating: nil, count: n)
        relaysOf = Array(repeating: [], count: n)
        if !ids.nat.isEmpty { routers = SimRouters(types: ids.nat, mappingTimeoutMillis: mappingTimeoutMillis) }
        for (i, address) in ids.addresses.enumerated() where ids.nat.isEmpty || ids.nat[i] == .none { nodeAt[address] = i }
        for entry in ids.endpoints { verified[entry.encoded] = entry }
        if case .fullMesh = bootstrap {
            // One store holding every endpoint, shared copy-on-write until a node first merges.
            var joined = SimStore()
            for entry in ids.endpoints { _ = joined.merge(entry, physicalMillis: now) }
            stores = Array(repeating: joined, count: n)
        }
        for i in 0..<n {
            switch bootstrap {
            case .fullMesh:
                let peers = (0..<n).filter { $0 != i }.map { KnownPeer(identity: ids.identities[$0], address: ids.addresses[$0]) }
                interpreters[i] = makeInterpreter(i, knownPeers: peers)
                step(i, .tick)
            case .introducer(let introducer):
                _ = stores[i].merge(ids.endpoints[i], physicalMillis: now)
                interpreters[i] = makeInterpreter(i, knownPeers: [])
                if i != introducer { step(i, .join(ids.endpoints[introducer])) } else { step(i, .tick) }
            case .introducers(let introducers):
                _ = stores[i].merge(ids.endpoints[i], physicalMillis: now)
                interpreters[i] = makeInterpreter(i, knownPeers: [])
                // An introducer joins through the next one, so the introducers know each other.
                let own = introducers.firstIndex(of: i)
                let through = introducers.isEmpty ? i
                    : own.map { introducers[($0 + 1) % introducers.count] } ?? introducers[i % introducers.count]
                if through != i { step(i, .join(ids.endpoints[through])) } else { step(i, .tick) }
            }
        }
    }

    private func makeInterpreter(_ i: Int, knownPeers: [KnownPeer]) -> DirectiveInterpreter<SeededRandom> {
        DirectiveInterpreter(engine: GossipInstance(
            identity: ids.identities[i], config: config,
            random: SeededRandom(seed: seed &* 0x9e37_79b9 &+ UInt64(i) &+ UInt64(restarts) << 40),
            now: now, incarnation: now / 1000, endpoint: ids.endpoints[i], knownPeers: knownPeers,
            network: ids.network(i)))
    }

    /// Every simulated node sits on one 10.0.0.0/8 subnet: they try each other's addresses, and
    /// their observations of each other (over a private path) say nothing about a NAT.
    public static func simulatedNetwork(_ address: PeerAddress) -> LocalNetwork {
        LocalNetwork(interfaces: IPPrefix(ip: address.ip, length: 8).map { [$0] } ?? [])
    }

    // MARK: - Running

    /// Runs every event up to and including `time`.
    public func run(until time: UInt64) {
        while let next = queue.nextTime, next <= time, let (at, event) = queue.pop() {
            now = at
            switch event {
            case .wake(let node, let generation):
                guard generation == generations[node] else { continue }
                step(node, .tick)
            case .deliver(let node, let payload, let source, let sender):
                guard interpreters[node] != nil else { continue }
                bytesIn[node].add(payload.count, at: bucket(now))
                step(node, .datagram(payload, from: source, sender: ids.identities[sender]))
            case .deliverFrame(let node, let frame, let source):
                guard interpreters[node] != nil else { continue }
                bytesIn[node].add(frame.count, at: bucket(now))
                receiveFrame(node, frame, from: source)
            }
        }
        now = max(now, time)
    }

    public func run(for millis: UInt64) { run(until: now + millis) }

    /// Runs in steps of `stepMillis` until `done` holds or `limit` ms have passed; returns the time
    /// taken, or nil if `done` never held.
    public func run(atMost limit: UInt64, stepMillis: UInt64 = 50, until done: () -> Bool) -> UInt64? {
        let start = now
        while now - start < limit {
            if done() { return now - start }
            run(for: stepMillis)
        }
        return done() ? now - start : nil
    }

    /// The length of one bandwidth bucket; ten make the sliding 1-s window of `peakWindow`.
    public static let bucketMillis: UInt64 = 100

    private func bucket(_ time: UInt64) -> Int { time >= statsStart ? Int((time - statsStart) / Self.bucketMillis) : -1 }

    /// Node `i`'s most bytes received and sent in any 1-s window (sliding by 100 ms) since `statsStart`.
    public func peakWindow(_ i: Int) -> (bytesIn: Int, bytesOut: Int) {
        (Self.slidingMax(bytesIn[i]), Self.slidingMax(bytesOut[i]))
    }

    private static func slidingMax(_ buckets: [Int]) -> Int {
        let width = Int(1000 / bucketMillis)
        var sum = 0
        var best = 0
        for (k, value) in buckets.enumerated() {
            sum += value
            if k >= width { sum -= buckets[k - width] }
            best = max(best, sum)
        }
        return best
    }

    private func step(_ i: Int, _ event: GossipEvent) {
        var host = SimHost(simulator: self, node: i)
        interpreters[i]?.handle(event, now: now, host: &host)
    }

    /// Node `i`'s wall clock: virtual time moved by its offset.
    func wallMillis(_ i: Int) -> UInt64 { UInt64(max(0, Int64(clamping: now) + clockOffsets[i])) }

    /// Wakes node `i` at `at`; a wake scheduled before is void.
    func schedule(_ i: Int, at: UInt64) {
        generations[i] += 1
        queue.push(.wake(node: i, generation: generations[i]), at: at)
    }

    /// Verifies and merges received entries into node `i`'s store, as its node's ingest would.
    func ingest(_ i: Int, _ encoded: [[UInt8]]) -> IngestCompletion {
        let physical = wallMillis(i)
        let completion = stores[i].ingest(encoded.compactMap(verify), physicalMillis: physical)
        for entry in completion.merged {
            clocks[i].observe(entry.stamp, physicalMillis: physical)
            noteHeld(entry.id)
        }
        for entry in completion.quarantined { noteHeld(entry.id) }
        return completion
    }

    func record(_ change: MemberSnapshot, seenBy i: Int) {
        if recordMembership { membershipLog.append((now, i, change)) }
    }

    /// Decoding and signature checks are cached by the encoded bytes: every node would reach the
    /// same verdict on the same bytes.
    private func verify(_ bytes: [UInt8]) -> SignedEntry? {
        if let known = verified[bytes] { return known }
        guard let entry = try? SignedEntry.decode(bytes) else { return nil }
        verified[bytes] = entry
        return entry
    }

    /// A node signs and stores a new endpoint that adds its observed address and its relay
    /// addresses, as the node shell does.
    func publish(_ i: Int) -> SignedEntry? {
        var addresses = [NodeAddress(ip: ids.addresses[i].ip, port: ids.addresses[i].port, origin: .interface)]
        if let observed = observedOf[i] {
            addresses.append(NodeAddress(ip: observed.ip, port: observed.port, origin: .observed))
        }
        addresses += relaysOf[i]
        let stamp = clocks[i].tick(physicalMillis: wallMillis(i))
        guard let entry = try? SignedEntry.sign(.endpoint(EndpointInfo(addresses: addresses)), stamp: stamp, with: ids.keys[i])
        else { return nil }
        verified[entry.encoded] = entry
        _ = stores[i].merge(entry, physicalMillis: wallMillis(i))
        return entry
    }

    /// A payload to an address, or on a relay path inside a type 1 relay frame to the relay.
    func transmit(from i: Int, _ payload: [UInt8], to address: PeerAddress) {
        if let circuit = address.circuit {
            let frame = SimRelayFrame.encode(circuit: circuit, sender: ids.identities[i], payload: payload)
            carry(from: i, bytes: frame.count, to: address.udp) { .deliverFrame(node: $0, frame: frame, from: $1) }
        } else {
            carry(from: i, bytes: payload.count, to: address) { .deliver(node: $0, payload: payload, from: $1, sender: i) }
        }
    }

    /// A relay frame at a node: type 1 goes to its relay role; type 2 is opened only on a circuit
    /// it holds at that relay and only when the carried sender is the circuit's other end.
    private func receiveFrame(_ node: Int, _ frame: [UInt8], from source: PeerAddress) {
        guard let (type, circuit, sender, payload) = SimRelayFrame.decode(frame) else { return }
        if type == 1 {
            step(node, .relayFrame(forwarded: SimRelayFrame.forwarded(frame), circuit: circuit, innerSender: sender,
                                   from: source))
            return
        }
        guard let peer = interpreters[node]?.engine.circuitPeer(circuit, relayAddress: source), peer.bytes == sender else { return }
        step(node, .datagram(payload, from: PeerAddress(ip: source.ip, port: source.port, circuit: circuit), sender: peer))
    }

    /// Puts `bytes` from node `i` on the wire to `address`, through the NATs, with the link's loss,
    /// duplication, latency and reordering; `event` is what arrives at the receiver from the source it sees.
    func carry(from i: Int, bytes: Int, to address: PeerAddress, _ event: (Int, PeerAddress) -> SimEvent) {
        datagramsSent += 1
        bytesOut[i].add(bytes, at: bucket(now))
        var source = ids.addresses[i]
        var target = nodeAt[address]
        if routers != nil {
            // Mutated in place: a copy of the routers' tables per datagram would cost O(n).
            source = routers?.outbound(from: i, to: address, lan: source, now: now) ?? source
            if target == nil { target = routers?.inbound(to: address, from: source, now: now) }
        }
        guard let j = target, group[i] == group[j] else { return }
        let loss = linkLoss[i * count + j] ?? link.loss
        let copies = link.duplication > 0 && Double.random(in: 0..<1, using: &random) < link.duplication ? 2 : 1
        for _ in 0..<copies {
            if loss > 0, Double.random(in: 0..<1, using: &random) < loss { continue }
            var delay = link.latencyMillis
            if link.jitterMillis > 0 {
                let low = delay > link.jitterMillis ? delay - link.jitterMillis : 0
                delay = low + UInt64.random(in: 0...(delay + link.jitterMillis - low), using: &random)
            }
            if link.reordering > 0, Double.random(in: 0..<1, using: &random) < link.reordering {
                delay += UInt64.random(in: 0...max(1, link.latencyMillis), using: &random)
            }
            queue.push(event(j, source), at: now + max(1, delay))
        }
    }

    private func noteHeld(_ id: EntryID) {
        guard let held = holders[id] else { return }
        holders[id] = held + 1
        if held + 1 == count, fullAt[id] == nil { fullAt[id] = now }
    }

    // MARK: - Faults

    /// Splits the nodes into groups that cannot reach each other; unlisted nodes form group 0.
    public func partition(_ groups: [[Int]]) {
        group = Array(repeating: 0, count: count)
        for (g, members) in groups.enumerated() { for i in members { group[i] = g + 1 } }
    }

    public func heal() { group = Array(repeating: 0, count: count) }

    /// Loss on the link from `a` to `b` only; nil restores the default.
    public func setLoss(from a: Int, to b: Int, _ loss: Double?) { linkLoss[a * count + b] = loss }

    /// Runs node `i`'s wall clock `millis` ahead of virtual time (behind, if negative): its stamps
    /// and its future-tolerance checks (PROTOCOL.md §9.5) read that clock; its timers do not.
    public func setClockOffset(of i: Int, millis: Int64) { clockOffsets[i] = millis }

    /// Stops a node: its protocol state is lost, its store (on disk) survives.
    public func crash(_ i: Int) {
        interpreters[i] = nil
        generations[i] += 1
    }

    /// Restarts a crashed node with the peers it had verified before (the shell persists them)
    /// and a new incarnation; it joins through one of them.
    public func restart(_ i: Int, knownPeers: [Int]) {
        restarts += 1
        let peers = knownPeers.map { KnownPeer(identity: ids.identities[$0], address: ids.addresses[$0]) }
        interpreters[i] = makeInterpreter(i, knownPeers: peers)
        if let first = knownPeers.first { step(i, .join(ids.endpoints[first])) } else { step(i, .tick) }
    }

    public func isUp(_ i: Int) -> Bool { interpreters[i] != nil }

    // MARK: - Writing and observing

    /// Signs a card entry by node `i` now and hands it to its node as a local write.
    @discardableResult
    public func write(at i: Int, field: String = "note", value: String) throws -> SignedEntry {
        let stamp = clocks[i].tick(physicalMillis: wallMillis(i))
        let entry = try SignedEntry.sign(.card(CardUpdate(field: field, values: [CardItem(value)])), stamp: stamp, with: ids.keys[i])
        verified[entry.encoded] = entry
        if stores[i].merge(entry, physicalMillis: wallMillis(i)) { noteHeld(entry.id) }
        step(i, .localEntry(entry))
        return entry
    }

    /// Counts how many nodes hold `id` from now on (and when all do).
    public func track(_ id: EntryID) {
        holders[id] = (0..<count).reduce(0) { $0 + (stores[$1].core.isHeld(id) ? 1 : 0) }
    }

    public func digest(_ i: Int) -> Fingerprint { stores[i].core.digest }

    /// Whether all the given nodes have the same store digest.
    public func digestsEqual(_ nodes: [Int]? = nil) -> Bool {
        let chosen = nodes ?? Array(0..<count)
        guard let first = chosen.first else { return true }
        let d = digest(first)
        return chosen.allSatisfy { digest($0) == d }
    }

    public func status(of member: Int, seenBy observer: Int) -> MemberStatus? {
        interpreters[observer]?.engine.status(of: ids.identities[member])
    }

    public func instance(_ i: Int) -> GossipInstance<SeededRandom>? { interpreters[i]?.engine }

    /// The fraction of ordered pairs of `nodes` in which the first holds the second alive over a
    /// verified path: direct, punched or through a relay.
    public func verifiedFraction(among nodes: [Int]) -> Double {
        pairFraction(among: nodes) { _ in true }
    }

    /// The fraction of ordered pairs of `nodes` in which the first holds the second alive over a
    /// direct path, its own or a punched one: not through a relay.
    public func directFraction(among nodes: [Int]) -> Double {
        pairFraction(among: nodes) { $0 != .relayed }
    }

    private func pairFraction(among nodes: [Int], path counts: (MemberPath) -> Bool) -> Double {
        var pairs = 0
        var counted = 0
        for a in nodes {
            guard let instance = interpreters[a]?.engine else { continue }
            let held = Set(instance.membership.filter { $0.verified != nil && $0.status == .alive && counts($0.path) }.map(\.member))
            for b in nodes where b != a {
                pairs += 1
                if held.contains(ids.identities[b]) { counted += 1 }
            }
        }
        return pairs == 0 ? 0 : Double(counted) / Double(pairs)
    }
}

extension Array where Element == Int {
    /// Adds to the counter of one bucket, growing the array as needed.
    mutating func add(_ value: Int, at bucket: Int) {
        guard bucket >= 0 else { return }
        if count <= bucket { append(contentsOf: repeatElement(0, count: bucket - count + 1)) }
        self[bucket] += value
    }
}
