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
}
