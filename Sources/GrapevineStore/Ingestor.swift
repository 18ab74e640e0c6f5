import Dispatch
import GrapevineCore
import GrapevineMerge

/// What became of one ingested entry, reported only after its batch has committed.
public struct IngestOutcome: Sendable, Equatable {
    /// Nil when the bytes did not decode far enough to have an id.
    public var id: EntryID?
    public var outcome: MergeOutcome
}

/// One entry of a batch after the checks that need no store transaction.
public enum CheckedEntry: Sendable {
    /// Decoded and signed by its author: the store merges it.
    case verified(SignedEntry)
    case rejected(EntryError)
    /// The store already held this id with this signature when the batch was checked: a
    /// duplicate, neither verified nor merged.
    case held(EntryID)

    var heldOutcome: IngestOutcome {
        switch self {
        case .held(let id): IngestOutcome(id: id, outcome: .duplicate)
        case .verified(let entry): IngestOutcome(id: entry.id, outcome: .duplicate)
        case .rejected(let error): IngestOutcome(id: nil, outcome: .rejected(error.reason))
        }
    }
}

/// The outcomes of one committed batch and the time its merge and persist stages took.
public struct IngestBatchResult: Sendable {
    public var outcomes: [IngestOutcome]
    public var mergeNanos: UInt64
    public var persistNanos: UInt64
}

/// Core-time spent in each stage of the pipeline, summed over batches and threads.
public struct IngestStageTimes: Sendable, Equatable {
    public var entries = 0
    /// Entries found held from their envelope alone, and the time spent finding out for all.
    public var held = 0
    /// Copies of an entry already checked and not yet committed, which took that check's
    /// result rather than a decode and a verification of their own (``IngestPipeline``).
    public var reused = 0
    public var probeNanos: UInt64 = 0
    public var decodeNanos: UInt64 = 0
    public var verifyNanos: UInt64 = 0
    public var mergeNanos: UInt64 = 0
    public var persistNanos: UInt64 = 0
    /// Write transactions committed, and the entries they merged: their ratio is what a
    /// commit's fixed cost is spread over.
    public var commits = 0

    public init() {}

    mutating func add(_ other: IngestStageTimes) {
        entries += other.entries
        held += other.held
        reused += other.reused
        probeNanos += other.probeNanos
        decodeNanos += other.decodeNanos
        verifyNanos += other.verifyNanos
        mergeNanos += other.mergeNanos
        persistNanos += other.persistNanos
        commits += other.commits
    }
}

/// The ingest pipeline shared by the network node and the simulator:
/// probe → decode → verify (spread over `workers` threads) → merge in order → persist in one
/// transaction per batch → acknowledge after the commit.
///
/// The probe reads only the envelope, hashes the body to its id and looks the (id, signature)
/// pair up among those the store holds: an exact duplicate costs no decode, no verification and
/// no transaction. Copies within one batch are decoded and verified once. Decoding and
/// verification need no shared state, so they run in parallel; merging must see entries in
/// order, so it runs on the caller's thread inside the store's transaction. With several
/// batches the next batch is checked while the current one is persisted.
public final class Ingestor: Sendable {
    public let store: Store
    public let workers: Int

    public init(store: Store, workers: Int = System.coreCount) {
        self.store = store
        self.workers = max(1, workers)
    }

    /// Ingests one batch and returns its outcomes once they are committed.
    public func ingest(_ batch: [[UInt8]], physicalMillis: UInt64) throws(StoreError) -> [IngestOutcome] {
        let checked = check(batch)
        return try store.ingest(checked.items, physicalMillis: physicalMillis).outcomes
    }

    /// Ingests `batches` in order, checking batch n+1 while batch n is persisted, and calls
    /// `acknowledge` with each batch's index and outcomes right after its commit.
    public func ingest(
        batches: [[[UInt8]]], clock: () -> UInt64,
        acknowledge: (Int, [IngestOutcome]) throws -> Void
    ) throws -> IngestStageTimes {
        var times = IngestStageTimes()
        guard !batches.isEmpty else { return times }
        var current = check(batches[0])
        for index in batches.indices {
            let pending = PendingCheck()
            let group = DispatchGroup()
            if index + 1 < batches.count {
                let next = batches[index + 1]
                DispatchQueue.global().async(group: group) { [self] in
                    pending.value = check(next)
                }
            }
            let result = try store.ingest(current.items, physicalMillis: clock())
            times.add(current.times)
            times.mergeNanos += result.mergeNanos
            times.persistNanos += result.persistNanos
            try acknowledge(index, result.outcomes)
            group.wait()
            if let next = pending.value { current = next }
        }
        return times
    }

    /// The entries of a batch after the probe, decoding and verification, in batch order.
    public struct CheckedBatch: Sendable {
        public var items: [CheckedEntry]
        public var times: IngestStageTimes
    }

    /// A batch after the probe alone: each entry's id and fingerprint read from its envelope, and
    /// whether the store holds that (id, signature) pair.
    public struct ProbedBatch: Sendable {
        let entries: [[UInt8]]
        let probes: [(id: EntryID, fingerprint: UInt64)?]
        let held: [Bool]
        let nanos: UInt64

        /// Every entry is one the store has committed: there is nothing to verify or commit.
        public var allHeld: Bool { !held.contains(false) }

        /// The duplicates an all-held batch amounts to, with the stage time spent finding out.
        public var asHeld: CheckedBatch {
            var times = IngestStageTimes()
            times.entries = entries.count
            times.held = entries.count
            times.probeNanos = nanos
            return CheckedBatch(items: probes.compactMap { $0.map { .held($0.id) } }, times: times)
        }
    }

    /// Reads every entry's envelope, hashes its body to its id and looks the pair up in memory.
    public func probe(_ batch: [[UInt8]]) -> ProbedBatch {
        let probes = ParallelMap.run(batch, workers: workers) { HeldSignatures.probe($0) }
        return ProbedBatch(entries: batch, probes: probes.values, held: store.held.held(probes.values.map { $0?.fingerprint }),
                           nanos: probes.nanos)
    }

    /// Probes every entry, then decodes and verifies the first copy of each one not held, each
    /// pass spread over `workers` threads; the body's id comes from the probe, hashed once.
    public func check(_ batch: [[UInt8]]) -> CheckedBatch {
        check(probe(batch))
    }

    /// Decodes and verifies the first copy of each entry of a probed batch that is neither held
    /// nor in `known`: the results, by index in the batch, of checking the same (id, signature)
    /// before, which stand for this copy's (the bytes are the same).
    public func check(_ probed: ProbedBatch, known: [Int: CheckedEntry] = [:]) -> CheckedBatch {
        let batch = probed.entries
        let probes = (values: probed.probes, nanos: probed.nanos)
        let held = probed.held
        var times = IngestStageTimes()
        times.entries = batch.count
        times.probeNanos = probes.nanos
        // Which entries need the full path: the first copy in the batch of each one not held.
        var firstCopy: [UInt64: Int] = [:]
        var copyOf = [Int?](repeating: nil, count: batch.count)
        var full: [Int] = []
        for (index, probe) in probes.values.enumerated() where !held[index] && known[index] == nil {
            if let fingerprint = probe?.fingerprint {
                if let first = firstCopy[fingerprint] {
                    copyOf[index] = first
                    continue
                }
                firstCopy[fingerprint] = full.count
            }
            copyOf[index] = full.count
            full.append(index)
        }
        // A copy of nothing but held or known entries reads no clock and starts no thread.
        let checked: (values: [CheckedEntry], firstNanos: UInt64, secondNanos: UInt64) = full.isEmpty ? ([], 0, 0) : ParallelMap.run(
            full.map { (bytes: batch[$0], id: probes.values[$0]?.id) }, workers: workers,
            { (item: (bytes: [UInt8], id: EntryID?)) -> Result<ParsedEntry, EntryError> in
                do throws(EntryError) { return .success(try ParsedEntry.parse(item.bytes, bodyID: item.id)) } catch {
                    return .failure(error)
                }
            },
            { (item: Result<ParsedEntry, EntryError>) -> CheckedEntry in
                switch item {
                case .success(let entry):
                    do throws(EntryError) { return .verified(try entry.verified()) } catch { return .rejected(error) }
                case .failure(let error):
                    return .rejected(error)
                }
            })
        times.decodeNanos = checked.firstNanos
        times.verifyNanos = checked.secondNanos
        var items: [CheckedEntry] = []
        items.reserveCapacity(batch.count)
        for index in batch.indices {
            if let slot = copyOf[index] {
                items.append(checked.values[slot])
            } else if let item = known[index] {
                items.append(item)
                times.reused += 1
            } else if let id = probes.values[index]?.id {
                items.append(.held(id))
                times.held += 1
            }
        }
        return CheckedBatch(items: items, times: times)
    }
}

/// A slot for the batch checked in the background; written before the group leaves, read after `wait`.
private final class PendingCheck: @unchecked Sendable {
    var value: Ingestor.CheckedBatch?
}
