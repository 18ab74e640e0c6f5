import Dispatch
import GrapevineCore
import GrapevineMerge

/// What became of one ingested entry, reported only after its batch has committed.
public struct IngestOutcome: Sendable, Equatable {
    /// Nil when the bytes did not decode far enough to have an id.
    public var id: EntryID?
    public var outcome: MergeOutcome
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
    public var decodeNanos: UInt64 = 0
    public var verifyNanos: UInt64 = 0
    public var mergeNanos: UInt64 = 0
    public var persistNanos: UInt64 = 0

    public init() {}

    mutating func add(_ other: IngestStageTimes) {
        entries += other.entries
        decodeNanos += other.decodeNanos
        verifyNanos += other.verifyNanos
        mergeNanos += other.mergeNanos
        persistNanos += other.persistNanos
    }
}

/// The ingest pipeline shared by the network node and the simulator:
/// decode → verify (spread over `workers` threads) → merge in order → persist in one
/// transaction per batch → acknowledge after the commit.
///
/// Decoding and verification need no shared state, so they run in parallel; merging must see
/// entries in order, so it runs on the caller's thread inside the store's transaction. With
/// several batches the next batch is checked while the current one is persisted.
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

    /// The entries of a batch after decoding and verification, in batch order.
    public struct CheckedBatch: Sendable {
        public var items: [Result<SignedEntry, EntryError>]
        public var times: IngestStageTimes
    }

    /// Decodes, then verifies, each spread over `workers` threads in contiguous chunks.
    public func check(_ batch: [[UInt8]]) -> CheckedBatch {
        var times = IngestStageTimes()
        times.entries = batch.count
        let parsed = ParallelMap.run(batch, workers: workers) { bytes -> Result<ParsedEntry, EntryError> in
            do throws(EntryError) { return .success(try ParsedEntry.parse(bytes)) } catch { return .failure(error) }
        }
        times.decodeNanos = parsed.nanos
        let verified = ParallelMap.run(parsed.values, workers: workers) { (item: Result<ParsedEntry, EntryError>) -> Result<SignedEntry, EntryError> in
            switch item {
            case .success(let entry):
                do throws(EntryError) { return .success(try entry.verified()) } catch { return .failure(error) }
            case .failure(let error):
                return .failure(error)
            }
        }
        times.verifyNanos = verified.nanos
        return CheckedBatch(items: verified.values, times: times)
    }
}

/// A slot for the batch checked in the background; written before the group leaves, read after `wait`.
private final class PendingCheck: @unchecked Sendable {
    var value: Ingestor.CheckedBatch?
}
