import GossipEngine
import GrapevineCore

/// The one place where the engine's directives become actions, shared by the node and the
/// simulator, so both carry out the same protocol: what differs between them is only the
/// `DirectiveHost`.
///
/// Each event's directives are carried out in the order the engine returned them. The events
/// a directive causes (`.merged` and `.quarantined` once an ingest completes, `.localEntry`
/// for a published endpoint) are fed to the engine at once, before the next directive, so the
/// datagrams go out in the same order in both. A new directive needs one new case in
/// `carryOut` and, if the node and the simulator differ on it, one new host method.
public struct DirectiveInterpreter<Random: RandomNumberGenerator> {
    public private(set) var engine: GossipInstance<Random>

    public init(engine: GossipInstance<Random>) {
        self.engine = engine
    }

    /// Feeds one event at `now` (the engine's timeline) and carries out what it causes.
    public mutating func handle<Host: DirectiveHost>(_ event: GossipEvent, now: UInt64, host: inout Host) {
        let directives = engine.handle(event, now: now, store: host.store)
        for directive in directives { carryOut(directive, now: now, host: &host) }
    }

    /// An ingest the host started has committed: the engine disseminates what the store newly
    /// holds and only learns endpoints from what it quarantined.
    public mutating func ingestCompleted<Host: DirectiveHost>(_ completion: IngestCompletion, now: UInt64,
                                                              host: inout Host) {
        if !completion.merged.isEmpty { handle(.merged(completion.merged), now: now, host: &host) }
        if !completion.quarantined.isEmpty { handle(.quarantined(completion.quarantined), now: now, host: &host) }
    }

    private mutating func carryOut<Host: DirectiveHost>(_ directive: GossipDirective, now: UInt64, host: inout Host) {
        switch directive {
        case .send(let payload, let address, let recipient):
            host.send(payload, to: address, recipient: recipient)
        case .sendEntries(let ids, let address, let recipient, let first):
            let entries = host.store.encodedEntries(ids)
            for payload in GossipMessage.entryPayloads(entries, after: first, budget: engine.config.payloadBudget) {
                host.send(payload, to: address, recipient: recipient)
            }
        case .schedule(let at):
            host.schedule(at: at)
        case .ingest(let entries, let sender):
            if let completion = host.ingest(entries, from: sender) { ingestCompleted(completion, now: now, host: &host) }
        case .membershipChanged(let change):
            host.membershipChanged(change)
        case .refused(let error, let source, let sender):
            host.refused(error, from: source, sender: sender)
        case .publishObserved(let observed):
            if let entry = host.publishEndpoint(observed: observed) { handle(.localEntry(entry), now: now, host: &host) }
        case .publishRelays(let relays):
            if let entry = host.publishEndpoint(relays: relays) { handle(.localEntry(entry), now: now, host: &host) }
        case .forward(let frame, let address):
            host.forward(frame, to: address)
        }
    }
}
