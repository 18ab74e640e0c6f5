import GrapevineCore
@testable import GrapevineMerge
import Testing

/// Histories in which authors seal fields under a card key, grant the key, and rotate it: each
/// rotation re-seals the sealed fields under a new key, grants it to the remaining holders and
/// writes an empty grant to the one removed. Stamps fall in a narrow range, so rotations written
/// "at the same time" as older grants are common.
enum PrivateHistory {
    static let fields = ["tel", "email", "org", "note"]

    static func entries(seed: UInt64) throws -> [SignedEntry] {
        var rng = SeededRandom(seed: seed)
        let readers = (0..<4).compactMap { PublicIdentity(bytes: Fixtures.signingKey("private-reader-\($0)").publicKey) }
        var out: [SignedEntry] = []
        for a in 0..<3 {
            let author = Fixtures.signingKey("private-author-\(a)")
            guard let me = PublicIdentity(bytes: author.publicKey), var key = CardKey(bytes: rng.bytes(32)) else { continue }
            var holders: [PublicIdentity] = []
            var sealed: [String: [CardItem]] = [:]
            func sign(_ content: EntryContent) throws {
                let stamp = HLCStamp(millis: Fixtures.base + UInt64.random(in: 0..<30, using: &rng),
                                     counter: UInt16.random(in: 0..<3, using: &rng))
                out.append(try SignedEntry.sign(content, stamp: stamp, with: author))
            }
            func seal(_ field: String, _ values: [CardItem]) throws {
                let value = try CardSealing.seal(values, field: field, author: me, key: key, nonce: rng.bytes(24))
                try sign(.card(CardUpdate(field: field, sealed: value)))
            }
            func grant(_ reader: PublicIdentity) throws {
                guard let info = CardSealing.grant(key, to: reader, ephemeralSeed: rng.bytes(32)) else { return }
                try sign(.grant(info))
            }
            for step in 0..<Int.random(in: 10..<40, using: &rng) {
                let field = fields[Int.random(in: 0..<fields.count, using: &rng)]
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<4:
                    let values = [CardItem("value \(step) of \(field)")]
                    sealed[field] = values
                    try seal(field, values)
                case 4:
                    sealed[field] = nil
                    try sign(.card(CardUpdate(field: field, values: [CardItem("public \(step)")])))
                case 5:
                    sealed[field] = nil
                    try sign(.card(CardUpdate(field: field, values: [])))
                case 6, 7:
                    guard let reader = readers.randomElement(using: &rng) else { continue }
                    if !holders.contains(reader) { holders.append(reader) }
                    try grant(reader)
                default:
                    guard let removed = holders.randomElement(using: &rng), let next = CardKey(bytes: rng.bytes(32)) else {
                        continue
                    }
                    key = next
                    holders.removeAll { $0 == removed }
                    for (name, values) in sealed.sorted(by: { $0.key < $1.key }) { try seal(name, values) }
                    for holder in holders { try grant(holder) }
                    try sign(.grant(.empty(to: removed)))
                }
            }
        }
        return out
    }
}

extension MergePropertyTests {
    @Test("sealed fields, grants and rotations in shuffled and duplicated orders retain the same set and digest")
    func privateFieldsConvergeInAnyOrder() throws {
        for bounds in [RetentionBounds.v2, Fixtures.small] {
            for seed in UInt64(200)..<230 {
                var rng = SeededRandom(seed: seed)
                let entries = try PrivateHistory.entries(seed: seed).map(EntryMeta.init)
                #expect(entries.contains { $0.kind == .grant }, "seed \(seed)")
                let reference = snapshot(run(entries, bounds: bounds, seed: seed))
                #expect(reference.retained == Fixtures.expectedRetained(entries, bounds: bounds), "seed \(seed)")
                for _ in 0..<4 {
                    #expect(snapshot(run(arrivals(of: entries, &rng), bounds: bounds, seed: seed)) == reference,
                            "seed \(seed)")
                }
            }
        }
    }
}
