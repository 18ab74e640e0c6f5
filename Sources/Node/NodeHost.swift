import GossipEngine
import GossipInterpreter
import GrapevineCore
import GrapevineMerge
import GrapevineStore
import Logging
import Sodium

/// The node's side of the engine's directives for one call into the interpreter. Ingests go to
/// the pipeline at once (their completion comes back after the commit) and a published endpoint
/// is written at once; sends, the wake, overflow, membership changes and refusals are recorded
/// in order, and the driver seals, counts and logs them when the call returns, on the actor.
struct NodeHost: DirectiveHost {
    let store: StoreView
    let pipeline: IngestPipeline<PublicIdentity>
    let publisher: EndpointPublisher
    /// The wall clock at the call: what a published endpoint is stamped with.
    let wallMillis: UInt64

    /// A datagram to go out, in the order the engine asked: a payload to seal, or (as a relay)
    /// a relay frame to pass on unopened.
    enum Send {
        case sealed([UInt8], to: PeerAddress, recipient: PublicIdentity)
        case forward([UInt8], to: PeerAddress)
    }

    private(set) var sends: [Send] = []
    private(set) var wake: UInt64?
    /// Received entries dropped unheard because the pipeline was full.
    private(set) var overflow = 0
    private(set) var changes: [MemberSnapshot] = []
    private(set) var refusals: [(error: GossipDecodeError, source: PeerAddress, sender: PublicIdentity)] = []

    init(store: StoreView, pipeline: IngestPipeline<PublicIdentity>, publisher: EndpointPublisher, wallMillis: UInt64) {
        self.store = store
        self.pipeline = pipeline
        self.publisher = publisher
        self.wallMillis = wallMillis
    }

    mutating func send(_ payload: [UInt8], to address: PeerAddress, recipient: PublicIdentity) {
        sends.append(.sealed(payload, to: address, recipient: recipient))
    }

    mutating func forward(_ frame: [UInt8], to address: PeerAddress) { sends.append(.forward(frame, to: address)) }

    mutating func schedule(at time: UInt64) { wake = time }

    /// Over the queue's bound the entries are dropped unheard: reconciliation brings them again
    /// once the node keeps up.
    mutating func ingest(_ entries: [[UInt8]], from sender: PublicIdentity) -> IngestCompletion? {
        if !pipeline.submit(entries, tag: sender) { overflow += entries.count }
        return nil
    }

    mutating func membershipChanged(_ change: MemberSnapshot) { changes.append(change) }

    mutating func refused(_ error: GossipDecodeError, from source: PeerAddress, sender: PublicIdentity) {
        refusals.append((error, source, sender))
    }

    func publishEndpoint(observed: PeerAddress?) -> SignedEntry? {
        publisher.observed = observed
        return publisher.publish(physicalMillis: wallMillis)
    }

    func publishEndpoint(relays: [NodeAddress]) -> SignedEntry? {
        publisher.relays = relays
        return publisher.publish(physicalMillis: wallMillis)
    }
}

/// Signs this node's endpoint entries through the store's local write path, and remembers what
/// the engine last asked it to list: the observed address (PROTOCOL.md §11.7) and the home
/// relays' relay addresses (§11.9.5). Used only on the driver's actor.
final class EndpointPublisher {
    let store: Store
    let signingKey: Ed25519.SigningKey
    let advertised: [NodeAddress]
    let logger: Logger
    var observed: PeerAddress?
    var relays: [NodeAddress] = []

    init(store: Store, signingKey: Ed25519.SigningKey, advertised: [NodeAddress], logger: Logger) {
        self.store = store
        self.signingKey = signingKey
        self.advertised = advertised
        self.logger = logger
    }

    /// Signs a new endpoint entry: the advertised addresses, the observed one when it differs
    /// from them, and the relay addresses after them; advertised addresses give way to fit.
    func publish(physicalMillis: UInt64) -> SignedEntry? {
        var extra: [NodeAddress] = []
        if let observed, !advertised.contains(where: { PeerAddress($0) == observed }) {
            extra.append(NodeAddress(ip: observed.ip, port: observed.port, origin: .observed))
        }
        extra += relays
        let addresses = Array(advertised.prefix(max(0, Limits.maxAddresses - extra.count))) + extra
        do {
            let entry = try store.write(.endpoint(EndpointInfo(addresses: addresses)), signingKey: signingKey,
                                        physicalMillis: physicalMillis)
            logger.info("endpoint published", metadata: ["observed": "\(observed.map { "\($0)" } ?? "-")",
                                                         "relays": "\(relays.count)"])
            return entry
        } catch {
            logger.error("could not publish the endpoint", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

/// The engine's and the interpreter's view of the store: the held index from memory, and entry
/// bytes read once per answer, outside the engine call.
struct StoreView: EntryStore {
    let reader: StoreReader

    var reconciliationIndex: ReconciliationIndex { reader.heldIndex }

    func encodedEntries(_ ids: [EntryID]) -> [[UInt8]] { reader.encodedEntries(ids) }
}
