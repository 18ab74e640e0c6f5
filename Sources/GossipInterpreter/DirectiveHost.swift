import GossipEngine
import GrapevineCore
import GrapevineMerge

/// What the interpreter needs of a node's store beyond the engine's view: the bytes of held
/// entries, read once per answer and never inside the engine call.
public protocol EntryStore: GossipStore {
    /// The encoded `SignedEntry` of each held entry among `ids`, in the order of `ids`; ids no
    /// longer held (pruned, superseded) are left out.
    func encodedEntries(_ ids: [EntryID]) -> [[UInt8]]
}

/// What a store reports once it has ingested a batch of received entries: the ones it newly
/// holds (to disseminate) and the ones it newly holds in quarantine (stamped beyond the future
/// tolerance, PROTOCOL.md §9.5: held back, never forwarded before they are due).
public struct IngestCompletion: Sendable, Equatable {
    public var merged: [SignedEntry]
    public var quarantined: [SignedEntry]

    public init(merged: [SignedEntry] = [], quarantined: [SignedEntry] = []) {
        self.merged = merged
        self.quarantined = quarantined
    }
}

/// Everything the node and the simulator do differently for the engine's directives: sealing
/// and sending, timers, ingest, and the reports. The interpreter calls these in the order the
/// engine asked, and never reads the engine back through the host, so a host only records or
/// carries out.
public protocol DirectiveHost {
    associatedtype Store: EntryStore

    /// The store as the engine and the interpreter read it for the next event.
    var store: Store { get }

    /// Seal `payload` for `recipient` and send it to `address` (or refuse it and count why).
    mutating func send(_ payload: [UInt8], to address: PeerAddress, recipient: PublicIdentity)

    /// Deliver `.tick` to the interpreter at `time` on the engine's timeline; replaces any earlier wake.
    mutating func schedule(at time: UInt64)

    /// Starts ingesting entries received from `sender`. A store that finishes at once returns
    /// what it newly holds; one that commits later (the node's pipeline) returns nil and hands
    /// the completion to `DirectiveInterpreter.ingestCompleted` after its commit.
    mutating func ingest(_ entries: [[UInt8]], from sender: PublicIdentity) -> IngestCompletion?

    /// A member changed state, as this node sees it.
    mutating func membershipChanged(_ change: MemberSnapshot)

    /// An authenticated payload was dropped unread (PROTOCOL.md §15.2).
    mutating func refused(_ error: GossipDecodeError, from source: PeerAddress, sender: PublicIdentity)

    /// Signs and stores a new endpoint entry listing `observed` beside the node's own addresses
    /// (PROTOCOL.md §11.7); nil when none was written.
    mutating func publishEndpoint(observed: PeerAddress?) -> SignedEntry?

    /// Signs and stores a new endpoint entry listing this node's home relays as relay addresses
    /// (PROTOCOL.md §11.9.5), beside the rest; nil when none was written.
    mutating func publishEndpoint(relays: [NodeAddress]) -> SignedEntry?

    /// As a relay: sends a relay frame the engine let through on to `address` unopened (§11.9.1).
    mutating func forward(_ frame: [UInt8], to address: PeerAddress)
}
