import Foundation
import GRDB
import GrapevineCore
import GrapevineMerge
@testable import GrapevineStore
import Testing

/// Grouped commits off the caller's thread: batches close on the injected clock or when full,
/// the caller hears of entries only after their commit, and overflow is refused whole.
@Suite struct IngestPipelineTests {
    typealias F = StoreFixtures

    static func entries(_ count: Int, key: Int) throws -> [SignedEntry] {
        try (0..<count).map { try F.sign(F.card("x-f\($0)", "v\($0)"), F.key(key), millis: F.baseMillis - 100) }
    }

    static func generation(_ store: Store) throws -> Int64 {
        try store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'generation'") ?? 0 }
    }

    @Test("a batch stays open until its window has passed on the injected clock, then closes with every datagram")
    func batchClosesAfterTheWindow() throws {
        var batcher = IngestBatcher<Int>(windowNanos: 5_000_000, maxEntries: 100)
        let items = try Self.entries(3, key: 50).map { CheckedEntry.verified($0) }
        batcher.add([items[0]], tag: 1, now: 1_000)
        batcher.add([items[1], items[2]], tag: 2, now: 3_000_000)
        let early = batcher.close(now: 5_000_999, checking: 0)
        #expect(early == nil)
        let closed = batcher.close(now: 5_001_000, checking: 0)
        let batch = try #require(closed)
        #expect(batch.map(\.tag) == [1, 2])
        #expect(batch.map(\.items.count) == [1, 2])
        #expect(batcher.isEmpty && batcher.deadline == nil)
    }

    @Test("a batch past its window waits for the datagrams still being checked, and closes once none is or once it is full")
    func batchPastItsWindowWaitsForChecksInFlight() throws {
        var batcher = IngestBatcher<Int>(windowNanos: 5_000_000, maxEntries: 4)
        let items = try Self.entries(4, key: 55).map { CheckedEntry.verified($0) }
        batcher.add([items[0]], tag: 1, now: 0)
        let waiting = batcher.close(now: 9_000_000, checking: 2)
        #expect(waiting == nil)
        batcher.add([items[1]], tag: 2, now: 9_000_000)
        let stillWaiting = batcher.close(now: 9_500_000, checking: 1)
        #expect(stillWaiting == nil)
        let closed = batcher.close(now: 9_600_000, checking: 0)
        #expect(closed?.map(\.tag) == [1, 2])
        // However much is still being checked, a full batch closes.
        batcher.add(Array(items[0..<2]), tag: 3, now: 10_000_000)
        batcher.add(Array(items[2..<4]), tag: 4, now: 10_000_001)
        let full = batcher.close(now: 10_000_002, checking: 50)
        #expect(full?.map(\.tag) == [3, 4])
    }

    @Test("a batch that reaches its entry limit closes before its window")
    func batchClosesWhenFull() throws {
        var batcher = IngestBatcher<Int>(windowNanos: 5_000_000, maxEntries: 3)
        let items = try Self.entries(3, key: 51).map { CheckedEntry.verified($0) }
        batcher.add(Array(items[0..<2]), tag: 1, now: 0)
        let early = batcher.close(now: 1, checking: 0)
        #expect(early == nil)
        batcher.add([items[2]], tag: 2, now: 2)
        let full = batcher.close(now: 3, checking: 0)
        #expect(full?.count == 2)
    }

    @Test("datagrams submitted together are committed in one transaction, each reported with its own outcomes")
    func datagramsShareOneCommit() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let before = try Self.generation(store)
        // A clock that never moves: only the drain closes the batch, so all three share it.
        let pipeline = IngestPipeline<Int>(
            ingestor: Ingestor(store: store, workers: 2), monotonicNanos: { 0 }, physicalMillis: { F.baseMillis })
        let entries = try Self.entries(6, key: 52)
        for (tag, range) in [(1, 0..<2), (2, 2..<5), (3, 5..<6)] {
            #expect(pipeline.submit(entries[range].map(\.encoded), tag: tag))
        }
        pipeline.stop()
        let done = pipeline.completed()
        #expect(done.map(\.tag).sorted() == [1, 2, 3])
        #expect(done.allSatisfy { $0.outcomes?.allSatisfy { $0.outcome == .new } == true })
        #expect(done.map { $0.outcomes?.count ?? 0 }.reduce(0, +) == 6)
        #expect(try Self.generation(store) == before + 1)
    }

    @Test("the commit hook runs after each commit, when the committed datagrams already wait to be collected")
    func commitHookFollowsTheCommit() throws {
        let dir = try F.temporaryDirectory()
        let rung = DispatchSemaphore(value: 0)
        let pipeline = IngestPipeline<Int>(
            ingestor: Ingestor(store: try F.openStore(dir)), windowNanos: 0, maxEntries: 1,
            monotonicNanos: { DispatchTime.now().uptimeNanoseconds }, physicalMillis: { F.baseMillis },
            committed: { rung.signal() })
        defer { pipeline.stop() }
        for (tag, entry) in try Self.entries(3, key: 57).enumerated() {
            #expect(pipeline.submit([entry.encoded], tag: tag))
            #expect(rung.wait(timeout: .now() + 30) == .success, "no commit rang the hook")
            #expect(pipeline.hasCompleted)
            #expect(pipeline.completed().map { $0.outcomes?.first?.outcome } == [.new])
        }
    }

    @Test("an entry is reported merged only once another connection can read it from the file")
    func mergedIsReportedAfterTheCommit() throws {
        let dir = try F.temporaryDirectory()
        let store = try F.openStore(dir)
        let reader = try F.openStore(dir).reader
        let pipeline = IngestPipeline<Int>(
            ingestor: Ingestor(store: store, workers: 2), windowNanos: 0, maxEntries: 1,
            monotonicNanos: { DispatchTime.now().uptimeNanoseconds }, physicalMillis: { F.baseMillis })
        let entries = try Self.entries(20, key: 53)
        for (tag, entry) in entries.enumerated() { #expect(pipeline.submit([entry.encoded], tag: tag)) }
        var heard = 0
        while heard < entries.count {
            for done in pipeline.completed() {
                let id = try #require(done.outcomes?.first?.id)
                #expect(done.outcomes?.first?.outcome == .new)
                #expect(reader.encodedEntry(id) != nil, "reported before it was on disk")
                heard += 1
            }
            Thread.sleep(forTimeInterval: 0.001)
        }
        pipeline.stop()
    }

    @Test("a datagram that would overfill the queue is refused whole, and the rest still commit")
    func overflowIsRefusedWhole() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let pipeline = IngestPipeline<Int>(
            ingestor: Ingestor(store: store, workers: 1), capacity: 4, monotonicNanos: { 0 }, physicalMillis: { F.baseMillis })
        let entries = try Self.entries(7, key: 54)
        #expect(pipeline.submit(entries[0..<3].map(\.encoded), tag: 1))
        #expect(!pipeline.submit(entries[3..<5].map(\.encoded), tag: 2))
        #expect(pipeline.submit([entries[5].encoded], tag: 3))
        pipeline.stop()
        #expect(pipeline.completed().map(\.tag).sorted() == [1, 3])
        #expect(try store.reader.stats().retained == 4)
        #expect(!pipeline.submit([entries[6].encoded], tag: 4))
    }
}

/// What the gossip engine reads of the store while the writer works.
@Suite struct PublishedStateTests {
    typealias F = StoreFixtures

    @Test("the held index is read while a write transaction is open, and shows the last commit, not the open one")
    func heldIndexIsReadWithoutTheWritersLock() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let first = try F.sign(F.card("fn", "First"), F.key(60), millis: F.baseMillis - 100)
        let second = try F.sign(F.card("fn", "Second"), F.key(61), millis: F.baseMillis - 100)
        _ = try store.ingest([.success(first)], physicalMillis: F.baseMillis)
        let read = DispatchSemaphore(value: 0)
        let seen = SeenCount()
        let answered: Bool = try store.transaction(physicalMillis: F.baseMillis) { db, work in
            _ = try store.merge(second, db: db, physicalMillis: F.baseMillis, work: &work)
            DispatchQueue.global().async {
                seen.value = store.reader.heldIndex.count
                read.signal()
            }
            // A reader that took the writer's lock would wait for this transaction, which waits for it.
            return read.wait(timeout: .now() + 30) == .success
        }
        #expect(answered)
        #expect(seen.value == 1)
        #expect(store.reader.heldIndex.count == 2)
    }

    /// Written by the reader before it signals, read after the wait.
    private final class SeenCount: @unchecked Sendable {
        var value = -1
    }

    @Test("a datagram whose entries are all held is reported at once as duplicates, without waiting for a batch")
    func heldDatagramIsDoneAtOnce() throws {
        let store = try F.openStore(F.temporaryDirectory())
        // A clock that never moves: a datagram that went into a batch would wait for a drain.
        let pipeline = IngestPipeline<Int>(
            ingestor: Ingestor(store: store, workers: 2), monotonicNanos: { 0 }, physicalMillis: { F.baseMillis })
        let entries = try IngestPipelineTests.entries(3, key: 53).map(\.encoded)
        #expect(pipeline.submit(entries, tag: 1))
        pipeline.drain()
        #expect(pipeline.completed().map(\.tag) == [1])
        let before = try IngestPipelineTests.generation(store)
        #expect(pipeline.submit(entries, tag: 2))
        let done = pipeline.completed()
        #expect(done.map(\.tag) == [2])
        #expect(done.first?.outcomes?.map(\.outcome) == [.duplicate, .duplicate, .duplicate])
        #expect(pipeline.stageTimes.held == 3)
        // One new entry among held ones takes the batch and the commit.
        let mixed = entries + [try F.sign(F.card("x-new", "v"), F.key(53), millis: F.baseMillis - 100).encoded]
        #expect(pipeline.submit(mixed, tag: 3))
        #expect(pipeline.completed().isEmpty)
        pipeline.stop()
        #expect(pipeline.completed().first?.outcomes?.map(\.outcome) == [.duplicate, .duplicate, .duplicate, .new])
        #expect(try IngestPipelineTests.generation(store) == before + 1)
    }
}
