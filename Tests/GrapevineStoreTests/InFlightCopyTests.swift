import Foundation
import GrapevineCore
@testable import GrapevineStore
import Testing
import TestKit

/// Copies of an entry that arrive after it was checked but before its batch committed (gossip
/// brings one from each peer) are not yet held; they take the first copy's check.
@Suite struct InFlightCopyTests: Polling {
    typealias F = StoreFixtures

    /// A pipeline on a clock that never moves: a batch stays open until a drain or the stop, so
    /// an entry is checked and uncommitted while its copies come.
    static func frozenPipeline(_ store: Store, now: UInt64 = StoreFixtures.baseMillis) -> IngestPipeline<Int> {
        IngestPipeline<Int>(ingestor: Ingestor(store: store, workers: 1), monotonicNanos: { 0 }, physicalMillis: { now })
    }

    @Test("a copy of an entry checked and not yet committed is not decoded or verified again, and is a duplicate once it commits")
    func copyOfAnEntryInFlightReusesItsCheck() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let pipeline = Self.frozenPipeline(store)
        let entries = try IngestPipelineTests.entries(2, key: 56).map(\.encoded)
        #expect(pipeline.submit([entries[0]], tag: 1))
        #expect(waitUntil(timeout: 30, every: 0.001) { pipeline.stageTimes.entries == 1 } != nil)
        #expect(pipeline.submit([entries[0]], tag: 2))
        #expect(pipeline.submit([entries[0], entries[1]], tag: 3))
        pipeline.stop()
        let done = pipeline.completed().sorted { $0.tag < $1.tag }
        #expect(done.map { $0.outcomes?.map(\.outcome) ?? [] } == [[.new], [.duplicate], [.duplicate, .new]])
        #expect(pipeline.stageTimes.reused == 2)
        #expect(pipeline.stageTimes.held == 0)
        #expect(try store.reader.stats().retained == 2)
    }

    @Test("the same id with another signature, while the first is in flight, is decoded and verified: the smaller signature is kept")
    func otherSignatureInFlightTakesTheFullPath() throws {
        let (kept, larger, now) = try DuplicateSignatureTests.signaturePair()
        let store = try F.openStore(F.temporaryDirectory(), millis: now)
        let pipeline = Self.frozenPipeline(store, now: now)
        #expect(pipeline.submit([larger], tag: 1))
        #expect(waitUntil(timeout: 30, every: 0.001) { pipeline.stageTimes.entries == 1 } != nil)
        #expect(pipeline.submit([kept], tag: 2))
        pipeline.stop()
        let done = pipeline.completed().sorted { $0.tag < $1.tag }
        #expect(done.map { $0.outcomes?.map(\.outcome) ?? [] } == [[.new], [.duplicate]])
        #expect(pipeline.stageTimes.reused == 0)
        #expect(store.reader.encodedEntry(try SignedEntry.decode(kept).id) == kept)
    }

    @Test("once the batch has committed, a copy is found held by the probe and nothing of it waits for a commit")
    func afterTheCommitACopyIsHeld() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let pipeline = Self.frozenPipeline(store)
        let entry = try IngestPipelineTests.entries(1, key: 57).map(\.encoded)
        #expect(pipeline.submit(entry, tag: 1))
        pipeline.drain()
        #expect(pipeline.submit(entry, tag: 2))
        pipeline.stop()
        #expect(pipeline.completed().map(\.tag) == [1, 2])
        #expect(pipeline.stageTimes.reused == 0)
        #expect(pipeline.stageTimes.held == 1)
    }

    /// A frozen pipeline whose checks wait until the test runs them.
    static func heldPipeline(_ store: Store) -> (IngestPipeline<Int>, HeldChecks) {
        let checks = HeldChecks()
        let pipeline = IngestPipeline<Int>(ingestor: Ingestor(store: store, workers: 1), monotonicNanos: { 0 },
                                           physicalMillis: { StoreFixtures.baseMillis }, runCheck: checks.hold)
        return (pipeline, checks)
    }

    @Test("a copy that arrives while its first arrival is still being checked waits for that check and takes its result")
    func copyOfAnEntryBeingCheckedWaitsForIt() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let (pipeline, checks) = Self.heldPipeline(store)
        let entries = try IngestPipelineTests.entries(2, key: 58).map(\.encoded)
        #expect(pipeline.submit([entries[0]], tag: 1))
        #expect(pipeline.submit([entries[0]], tag: 2))
        #expect(pipeline.submit([entries[0], entries[1]], tag: 3))
        // Only the first datagram is being checked; the other two wait for it.
        #expect(checks.count == 1)
        checks.runAll()
        pipeline.stop()
        let done = pipeline.completed().sorted { $0.tag < $1.tag }
        #expect(done.map { $0.outcomes?.map(\.outcome) ?? [] } == [[.new], [.duplicate], [.duplicate, .new]])
        // Two entries decoded and verified: the first arrival, and the new entry of datagram 3.
        #expect(pipeline.stageTimes.reused == 2)
        #expect(try store.reader.stats().retained == 2)
    }

    @Test("a copy that waited for a check that refused its first arrival is refused with it, and not verified again")
    func copyOfARefusedEntryTakesTheRefusal() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let (pipeline, checks) = Self.heldPipeline(store)
        var forged = try IngestPipelineTests.entries(1, key: 59)[0].encoded
        forged[forged.count - 64] ^= 1
        #expect(pipeline.submit([forged], tag: 1))
        #expect(pipeline.submit([forged], tag: 2))
        #expect(checks.count == 1)
        checks.runAll()
        pipeline.stop()
        let done = pipeline.completed().sorted { $0.tag < $1.tag }
        #expect(done.map { $0.outcomes?.map(\.outcome) ?? [] } == [[.rejected(.badSignature)], [.rejected(.badSignature)]])
        #expect(pipeline.stageTimes.reused == 1)
        #expect(try store.reader.stats().retained == 0)
    }

    @Test("a datagram waits only on earlier ones: a chain of copies resolves in admission order, and a copy inside one datagram does not wait on itself")
    func waitsFollowAdmissionOrder() throws {
        let entries = try IngestPipelineTests.entries(3, key: 60)
        let store = try F.openStore(F.temporaryDirectory())
        let ingestor = Ingestor(store: store, workers: 1)
        var copies = InFlightCopies<Int>()
        let (a, b, c) = (entries[0].encoded, entries[1].encoded, entries[2].encoded)
        guard case .ready(let first) = copies.admit(ingestor.probe([a, a]), tag: 1) else {
            Issue.record("a datagram with nothing in flight waited")
            return
        }
        guard case .waiting = copies.admit(ingestor.probe([a, b]), tag: 2),
              case .waiting = copies.admit(ingestor.probe([b, c]), tag: 3)
        else {
            Issue.record("a copy of an entry being checked did not wait")
            return
        }
        #expect(copies.waitingCount == 2)
        let second = copies.checked(first, items: ingestor.check(first.probed, known: first.known).items)
        #expect(second.map(\.tag) == [2])
        #expect(second.first?.known.keys.sorted() == [0])
        guard let datagram2 = second.first else { return }
        let third = copies.checked(datagram2, items: ingestor.check(datagram2.probed, known: datagram2.known).items)
        #expect(third.map(\.tag) == [3])
        #expect(third.first?.known.keys.sorted() == [0])
        #expect(third.first?.needsCheck == true)
        #expect(copies.waitingCount == 0)
        #expect(copies.awaitingCommit.count == 2)
    }
}

/// Holds each check a pipeline starts until the test runs it, on the test's own thread.
final class HeldChecks: @unchecked Sendable {
    // @unchecked: `jobs` is only touched with `lock` held.
    private let lock = NSLock()
    private var jobs: [@Sendable () -> Void] = []

    var count: Int { lock.withLock { jobs.count } }

    @Sendable func hold(_ job: @escaping @Sendable () -> Void) {
        lock.withLock { jobs.append(job) }
    }

    /// Runs the held checks in the order they were started, and those they start, until none is left.
    func runAll() {
        while let job = lock.withLock({ jobs.isEmpty ? nil : jobs.removeFirst() }) { job() }
    }
}
