import GrapevineCore
import GrapevineMerge
import Testing

@Suite struct MergeVectorsTests {
    @Test func everyMergeVectorCaseGivesTheSameResultInAnyArrivalOrder() throws {
        let file = try MergeVectors.make()
        #expect(file.cases.map(\.name) == ["last-writer-wins", "per-author-bound", "equal-stamp-tie", "quarantine",
                                             "table-bounds"])
        var rng = SeededRandom(seed: 42)
        for vector in file.cases {
            let entries = try vector.entries.map { hex in
                try SignedEntry.decode(try #require(Hex.decode(hex)))
            }
            #expect(Fixtures.referenceFingerprint(vector.retained.compactMap { Hex.decode($0).flatMap(EntryID.init(bytes:)) })
                    == vector.digest, "\(vector.name)")
            for round in 0..<5 {
                var order = entries
                if round == 1 { order.reverse() } else if round > 1 { order.shuffle(using: &rng) }
                let replay = MergeVectors.makeCase(name: vector.name, description: vector.description,
                                                   entries: order, physicalMillis: vector.physicalMillis)
                #expect(replay.retained == vector.retained && replay.quarantined == vector.quarantined, "\(vector.name)")
                #expect(replay.digest == vector.digest && replay.heldFingerprint == vector.heldFingerprint, "\(vector.name)")
            }
        }
    }

    @Test func theVectorsExerciseEachRule() throws {
        let cases = Dictionary(uniqueKeysWithValues: try MergeVectors.make().cases.map { ($0.name, $0) })
        let lww = try #require(cases["last-writer-wins"])
        #expect(lww.entries.count == 12 && lww.retained.count == 8)
        let bound = try #require(cases["per-author-bound"])
        #expect(bound.entries.count == RetentionBounds.v2.card + 6 && bound.retained.count == RetentionBounds.v2.card)
        let tie = try #require(cases["equal-stamp-tie"])
        #expect(tie.retained.count == 2)
        let quarantine = try #require(cases["quarantine"])
        #expect(quarantine.quarantined.count == 1 && quarantine.retained.count == 2)
        #expect(quarantine.digest != quarantine.heldFingerprint)
        // Grants keep their table bound (2048); an unlisted kind keeps 64.
        let table = try #require(cases["table-bounds"])
        let count = RetentionBounds.v2.unknown + 1
        #expect(table.entries.count == 2 * count && table.retained.count == count + RetentionBounds.v2.unknown)
    }

    @Test("the per-author-bound description names exactly the fields retained")
    func perAuthorBoundDescriptionMatchesTheRetainedFields() throws {
        let bound = try #require(try MergeVectors.make().cases.first { $0.name == "per-author-bound" })
        #expect(bound.description.contains("the new x-1 and x-5…x-35"))
    }
}
