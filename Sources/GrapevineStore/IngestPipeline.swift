import Foundation

/// The node's ingest, off the caller's thread: datagrams are probed as they are submitted, and
/// those with an entry the store does not hold are decoded and verified on the global
/// concurrent queue (all cores), grouped by an ``IngestBatcher`` and committed by one writer
/// thread of its own, while the next datagrams are being checked. The caller hears of a
/// datagram's new entries only once their batch has committed (``completed()``), so nothing it
/// forwards, logs or acknowledges can be lost by a crash.
///
/// The queue is bounded: a datagram whose entries would take more than `capacity` entries in
/// flight is refused whole (``submit(_:tag:)`` returns false) and nothing of it is ingested.
public final class IngestPipeline<Tag: Sendable>: @unchecked Sendable {
    // @unchecked: every mutable property is only touched with `condition` locked.

    /// A committed datagram, or one whose batch failed to commit (`outcomes` is nil).
    public struct Completed: Sendable {
        public var tag: Tag
        public var items: [CheckedEntry]
        public var outcomes: [IngestOutcome]?
        public var error: StoreError?
    }

    public let ingestor: Ingestor
    public let capacity: Int
    private let monotonicNanos: @Sendable () -> UInt64
    private let physicalMillis: @Sendable () -> UInt64
    private let committed: @Sendable () -> Void
    private let condition = NSCondition()
    private var batcher: IngestBatcher<Tag>
    private var inFlight = 0
    /// Datagrams submitted and not yet checked: a drain waits for them to join the batch.
    private var checking = 0
    private var done: [Completed] = []
    /// The entries in flight by (id, signature) fingerprint: a copy that arrives before its first
    /// arrival is held (gossip brings one from each peer) takes that check's result, or waits for
    /// it, instead of a decode and a verification of its own. At most `capacity` entries.
    private var copies = InFlightCopies<Tag>()
    /// Runs a datagram's check off the caller's thread: on the global queue unless a test holds it.
    private let runCheck: @Sendable (@escaping @Sendable () -> Void) -> Void
    private var times = IngestStageTimes()
    private var stopping = false
    private var thread: Thread?

    /// How long a batch stays open for more datagrams, and how many entries close it early.
    public static var defaultWindowNanos: UInt64 { 5_000_000 }
    public static var defaultMaxEntries: Int { 1024 }
    public static var defaultCapacity: Int { 16_384 }

    /// - Parameters:
    ///   - committed: called on the writer thread after each commit, once its datagrams wait in
    ///     ``completed()``: the node rings its tick loop with it.
    ///   - runCheck: runs each datagram's decode and verification; the global concurrent queue.
    public init(
        ingestor: Ingestor, capacity: Int = defaultCapacity, windowNanos: UInt64 = defaultWindowNanos,
        maxEntries: Int = defaultMaxEntries,
        monotonicNanos: @escaping @Sendable () -> UInt64, physicalMillis: @escaping @Sendable () -> UInt64,
        committed: @escaping @Sendable () -> Void = {},
        runCheck: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void = { DispatchQueue.global().async(execute: $0) }
    ) {
        self.ingestor = ingestor
        self.runCheck = runCheck
        self.capacity = capacity
        self.monotonicNanos = monotonicNanos
        self.physicalMillis = physicalMillis
        self.committed = committed
        self.batcher = IngestBatcher(windowNanos: windowNanos, maxEntries: maxEntries)
        let thread = Thread { [weak self] in self?.writerLoop() }
        thread.name = "grapevine-store-writer"
        self.thread = thread
        thread.start()
    }

    /// Queues one datagram's entries. False, with nothing queued, when they do not fit.
    ///
    /// The probe runs here, on the caller's thread: a datagram whose entries the store all holds
    /// (in gossip, most copies) is done at once, as duplicates, with no hand-off to another
    /// thread and no place in a batch; it takes no room in the queue either.
    public func submit(_ entries: [[UInt8]], tag: Tag) -> Bool {
        guard !entries.isEmpty else { return true }
        let probed = ingestor.probe(entries)
        if probed.allHeld {
            let checked = probed.asHeld
            condition.lock()
            defer { condition.unlock() }
            guard !stopping else { return false }
            times.add(checked.times)
            done.append(Completed(tag: tag, items: checked.items, outcomes: checked.items.map(\.heldOutcome), error: nil))
            return true
        }
        condition.lock()
        guard !stopping, inFlight + entries.count <= capacity else {
            condition.unlock()
            return false
        }
        inFlight += entries.count
        // Counted as being checked until it is in the batch, waiting included: a drain, or a
        // batch past its window, waits for it.
        checking += 1
        if case .ready(let datagram) = copies.admit(probed, tag: tag) { proceed(datagram) }
        condition.unlock()
        return true
    }

    /// Checks a datagram that awaits no other, or, when it has nothing left to decode or verify,
    /// puts it straight into the batch behind the copies it repeats. Called with `condition`
    /// locked, the datagram counted in `checking`.
    private func proceed(_ datagram: InFlightCopies<Tag>.Datagram) {
        guard datagram.needsCheck else {
            checking -= 1
            enqueue(ingestor.check(datagram.probed, known: datagram.known), tag: datagram.tag)
            return
        }
        runCheck { [self] in
            let checked = ingestor.check(datagram.probed, known: datagram.known)
            condition.lock()
            checking -= 1
            let released = copies.checked(datagram, items: checked.items)
            enqueue(checked, tag: datagram.tag)
            for next in released { proceed(next) }
            condition.unlock()
        }
    }

    /// Adds a checked datagram to the open batch. Called with `condition` locked.
    private func enqueue(_ checked: Ingestor.CheckedBatch, tag: Tag) {
        times.add(checked.times)
        let opened = batcher.isEmpty
        let now = monotonicNanos()
        batcher.add(checked.items, tag: tag, now: now)
        // The writer sleeps until the open batch's deadline: it needs waking only to learn of
        // a new deadline, a full batch, or the last check that a drain or a batch past its
        // window waits for. Waking it for every datagram would cost a context switch per datagram.
        let lastAwaited = checking == 0 && (waitingForDrain || stopping || batcher.deadline.map { now >= $0 } == true)
        if opened || batcher.entryCount >= batcher.maxEntries || lastAwaited {
            condition.broadcast()
        }
    }

    /// The datagrams committed since the last call, in commit order, and those found held on
    /// submission, as they were submitted.
    public func completed() -> [Completed] {
        condition.lock()
        defer { condition.unlock() }
        let out = done
        done = []
        return out
    }

    /// Core-time per stage over every datagram checked and every batch committed so far.
    public var stageTimes: IngestStageTimes {
        condition.lock()
        defer { condition.unlock() }
        return times
    }

    /// Whether ``completed()`` has anything to hand over.
    public var hasCompleted: Bool {
        condition.lock()
        defer { condition.unlock() }
        return !done.isEmpty
    }

    /// Commits what is queued and waits for it: the caller's last chance to hear of it.
    public func drain() {
        condition.lock()
        waitingForDrain = true
        condition.broadcast()
        while inFlight > 0 { condition.wait() }
        waitingForDrain = false
        condition.unlock()
    }

    /// Commits what is queued, then ends the writer thread; later submissions are refused. The
    /// writer thread keeps the pipeline alive until then.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        drain()
    }

    private func writerLoop() {
        condition.lock()
        while true {
            let flushAll = (stopping || waitingForDrain) && checking == 0
            if let batch = batcher.close(now: monotonicNanos(), checking: checking, force: flushAll) {
                condition.unlock()
                let (finished, result) = commit(batch)
                condition.lock()
                times.mergeNanos += result.mergeNanos
                times.persistNanos += result.persistNanos
                times.commits += 1
                for submission in batch { copies.committed(submission.items) }
                done += finished
                inFlight -= batch.reduce(0) { $0 + $1.items.count }
                condition.broadcast()
                condition.unlock()
                committed()
                condition.lock()
                continue
            }
            if stopping && inFlight == 0 { break }
            if let deadline = batcher.deadline, case let now = monotonicNanos(), deadline > now {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(deadline - now) / 1e9))
            } else {
                // No batch, or one past its window that waits for the checks in flight: the last
                // of them, or the one that fills the batch, wakes the writer.
                condition.wait()
            }
        }
        condition.unlock()
    }

    /// Set while a caller waits in ``drain()``: the open batch then closes without its window.
    private var waitingForDrain = false

    private func commit(_ batch: [IngestBatcher<Tag>.Submission]) -> ([Completed], IngestBatchResult) {
        let items = batch.flatMap(\.items)
        do {
            let result = try ingestor.store.ingest(items, physicalMillis: physicalMillis())
            var offset = 0
            let finished = batch.map { submission in
                let slice = Array(result.outcomes[offset..<(offset + submission.items.count)])
                offset += submission.items.count
                return Completed(tag: submission.tag, items: submission.items, outcomes: slice, error: nil)
            }
            return (finished, result)
        } catch {
            let finished = batch.map { Completed(tag: $0.tag, items: $0.items, outcomes: nil, error: error) }
            return (finished, IngestBatchResult(outcomes: [], mergeNanos: 0, persistNanos: 0))
        }
    }
}
