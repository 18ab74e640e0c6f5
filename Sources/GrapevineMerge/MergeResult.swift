import GrapevineCore

/// The one outcome of merging an entry.
public enum MergeOutcome: Sendable, Equatable {
    /// Retained: it is now the winner of its replacement key and within its author's bound.
    case new
    /// An entry with the same id is already retained or quarantined.
    case duplicate
    /// Not kept: it lost last-writer-wins, fell below its author's bound, or (when quarantined)
    /// fell beyond the quarantine bound. Order does not matter: it would be pruned in any order.
    case superseded
    /// Held for later: its stamp is beyond the future tolerance. `MergeCore.releaseDue` merges it once due.
    case quarantined
    /// The metadata is malformed (only possible for a damaged stored row).
    case rejected(RejectionReason)
}

/// The outcome of one merge and the previously held entries it prunes.
public struct MergeResult: Sendable, Equatable {
    public var outcome: MergeOutcome
    /// Entries that were retained or quarantined before this merge and are pruned by it, sorted.
    public var evicted: [EntryID]

    public init(outcome: MergeOutcome, evicted: [EntryID] = []) {
        self.outcome = outcome
        self.evicted = evicted
    }
}
