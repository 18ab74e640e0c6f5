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

    private(set) var sends: [(payload: [UInt8], address: PeerAddress, recipient: PublicIdentity)] = []
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
        sends.append((payload, address, recipient))
    }

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
        publisher.publish(observed: observed, physicalMillis: wallMillis)
    }
}

/// Signs this node's endpoint entries through the store's local write path.
struct EndpointPublisher: Sendable {
    let store: Store
    let signingKey: Ed25519.SigningKey
    let advertised: [NodeAddress]
    let logger: Logger

    /// Signs a new endpoint entry: the advertised addresses, and the observed one (PROTOCOL.md
    /// §11.7) when it fits and differs from them.
    func publish(observed: PeerAddress?, physicalMillis: UInt64) -> SignedEntry? {
        var addresses = advertised
        if let observed, !addresses.contains(where: { PeerAddress($0) == observed }) {
            addresses = Array(addresses.prefix(Limits.maxAddresses - 1))
                + [NodeAddress(ip: observed.ip, port: observed.port, origin: .observed)]
        }
        do {
            let entry = try store.write(.endpoint(EndpointInfo(addresses: addresses)), signingKey: signingKey,
                                        physicalMillis: physicalMillis)
            logger.info("endpoint published", metadata: ["observed": "\(observed.map { "\($0)" } ?? "-")"])
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
    let store: Store

    var reconciliationIndex: ReconciliationIndex { store.heldIndex }

    func encodedEntries(_ ids: [EntryID]) -> [[UInt8]] { store.encodedEntries(ids) }
}
