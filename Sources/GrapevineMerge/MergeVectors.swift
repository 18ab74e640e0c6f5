import GrapevineCore
import Sodium

/// `Protocol/vectors/merge.json` as a Codable value: signed entries merged in the listed order at
/// one physical time, and the retained ids, quarantined ids and digest every node must reach.
public struct MergeVectorFile: Codable, Equatable, Sendable {
    public struct Case: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var physicalMillis: UInt64
        public var futureToleranceMillis: UInt64
        /// Hex of each `SignedEntry.encoded`, in arrival order.
        public var entries: [String]
        /// Retained ids, hex, sorted.
        public var retained: [String]
        /// Quarantined ids, hex, sorted.
        public var quarantined: [String]
        /// The fingerprint of the retained ids.
        public var digest: String
        /// The fingerprint of the held ids: retained and quarantined.
        public var heldFingerprint: String
    }

    public var description: String
    public var fingerprintDomainHex: String
    public var bounds: RetentionBounds
    public var cases: [Case]
}

/// Builds the merge conformance vectors from fixed seeds with the real merge core.
public enum MergeVectors {
    public struct GenerationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The merge vectors. Keys come from the seeds `BLAKE2b-256("grapevine/vectors/seed" ‖ 0x00 ‖ name)`,
    /// as in the other vector files; stamps are offsets from 1 764 000 000 000 ms.
    public static func make() throws -> MergeVectorFile {
        return MergeVectorFile(
            description: "Merge conformance (PROTOCOL.md, \"Merge\"): merge the entries in the listed order at "
                + "physical_millis with the bounds given; the retained and quarantined ids and the digest must match. "
                + "Any other arrival order must give the same result.",
            fingerprintDomainHex: Hex.encode(Fingerprint.domain),
            bounds: .v2,
            cases: [
                try lastWriterWins(), try perAuthorBound(), try equalStampTie(), try quarantine(), try tableBounds(),
            ])
    }

    /// Runs `entries` through a fresh core in order and records what it retains.
    public static func makeCase(name: String, description: String, entries: [SignedEntry],
                                physicalMillis: UInt64) -> MergeVectorFile.Case {
        var core = MergeCore()
        for entry in entries { _ = core.merge(EntryMeta(entry), physicalMillis: physicalMillis) }
        return MergeVectorFile.Case(
            name: name, description: description, physicalMillis: physicalMillis,
            futureToleranceMillis: core.futureToleranceMillis,
            entries: entries.map { Hex.encode($0.encoded) },
            retained: core.retainedIDs.map(\.hex),
            quarantined: core.quarantined.map(\.id).sorted().map(\.hex),
            digest: core.digest.hex,
            heldFingerprint: core.reconciliation.fingerprint.hex)
    }

    static let baseMillis: UInt64 = 1_764_000_000_000

    static func stamp(_ offset: UInt64, counter: UInt16 = 0) -> HLCStamp {
        HLCStamp(millis: baseMillis + offset, counter: counter)
    }

    static func key(_ name: String) throws -> Ed25519.SigningKey {
        let seed = BLAKE2b.hash(Array("grapevine/vectors/seed\u{0}".utf8), Array(name.utf8), outputLength: 32)
        guard let key = Ed25519.SigningKey(seed: seed) else { throw GenerationError(description: "bad seed for \(name)") }
        return key
    }

    static func identity(_ key: Ed25519.SigningKey) throws -> PublicIdentity {
        guard let id = PublicIdentity(bytes: key.publicKey) else { throw GenerationError(description: "bad public key") }
        return id
    }

    static func card(_ field: String, _ value: String, at stamp: HLCStamp, by key: Ed25519.SigningKey) throws -> SignedEntry {
        try SignedEntry.sign(.card(CardUpdate(field: field, values: [CardItem(value)])), stamp: stamp, with: key)
    }

    private static func lastWriterWins() throws -> MergeVectorFile.Case {
        let alice = try key("alice")
        let bob = try key("bob")
        let carol = try key("carol")
        let bobID = try identity(bob)
        let entries: [SignedEntry] = [
            try card("fn", "Ada", at: stamp(10), by: alice),
            try card("fn", "Ada Lovelace", at: stamp(30), by: alice),
            try card("fn", "Ada L.", at: stamp(20), by: alice),
            try card("org", "Analytical Engines", at: stamp(10), by: alice),
            try card("fn", "Bob", at: stamp(10), by: bob),
            try SignedEntry.sign(.edge(EdgeInfo(target: bobID, state: .removed)), stamp: stamp(40), with: alice),
            try SignedEntry.sign(.edge(EdgeInfo(target: bobID, state: .connected)), stamp: stamp(15), with: alice),
            try SignedEntry.sign(.introduction(IntroductionInfo(a: bobID, b: try identity(carol), note: "first")),
                                 stamp: stamp(50), with: alice),
            try SignedEntry.sign(.introduction(IntroductionInfo(a: bobID, b: try identity(carol), note: "second")),
                                 stamp: stamp(51), with: alice),
            try SignedEntry.sign(.unknown(payload: [1, 2, 3]), kind: EntryKind(rawValue: 99), key: Array("k".utf8),
                                 stamp: stamp(60), with: alice),
            try SignedEntry.sign(.unknown(payload: [4, 5, 6]), kind: EntryKind(rawValue: 99), key: Array("k".utf8),
                                 stamp: stamp(61), with: alice),
            try SignedEntry.sign(.unknown(payload: [7]), kind: EntryKind(rawValue: 99), key: Array("j".utf8),
                                 stamp: stamp(59), with: alice),
        ]
        return makeCase(
            name: "last-writer-wins",
            description: "Per (author, kind, replacement key) the greatest (stamp, id) wins: alice's fn at +30 "
                + "(arriving before the older +20), her org, bob's fn, her edge to bob at +40 (removed), both "
                + "introductions (add-only: each is its own key), and of kind 99 the +61 entry for key k and the one for key j.",
            entries: entries, physicalMillis: baseMillis + 1000)
    }

    private static func perAuthorBound() throws -> MergeVectorFile.Case {
        let alice = try key("alice")
        let fields = RetentionBounds.v2.card + 4
        var entries: [SignedEntry] = []
        for i in 0..<fields {
            entries.append(try card("x-\(i)", "value \(i)", at: stamp(UInt64(i)), by: alice))
        }
        entries.append(try card("x-1", "rewritten", at: stamp(UInt64(fields) + 10), by: alice))
        entries.append(try card("fn", "late and low", at: stamp(0, counter: 1), by: alice))
        entries.sort { $0.id < $1.id }
        return makeCase(
            name: "per-author-bound",
            description: "alice writes \(fields) card fields x-0…x-\(fields - 1) at +0…+\(fields - 1), rewrites x-1 "
                + "at +\(fields + 10), and writes fn at +0.1; arrival is in id order, unrelated to stamps. Only the "
                + "\(RetentionBounds.v2.card) greatest winners by (stamp, id) are retained: the new x-1 and "
                + "x-\(fields - RetentionBounds.v2.card + 1)…x-\(fields - 1); x-0, fn and x-2…x-\(fields - RetentionBounds.v2.card) are pruned.",
            entries: entries, physicalMillis: baseMillis + 1000)
    }

    private static func equalStampTie() throws -> MergeVectorFile.Case {
        let alice = try key("alice")
        let entries: [SignedEntry] = [
            try card("fn", "Ada", at: stamp(7, counter: 3), by: alice),
            try card("fn", "Augusta", at: stamp(7, counter: 3), by: alice),
            try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: [192, 0, 2, 1], port: 4000)])),
                                 stamp: stamp(8), with: alice),
            try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: [192, 0, 2, 2], port: 4000)])),
                                 stamp: stamp(8), with: alice),
        ]
        return makeCase(
            name: "equal-stamp-tie",
            description: "Two fn values and two endpoints with equal stamps: of each pair the entry whose id is "
                + "greater (bytewise) wins.",
            entries: entries, physicalMillis: baseMillis + 1000)
    }

    private static func quarantine() throws -> MergeVectorFile.Case {
        let alice = try key("alice")
        let now = baseMillis + 1000
        let tolerance = HybridLogicalClock.defaultFutureToleranceMillis
        let entries: [SignedEntry] = [
            try card("fn", "Ada", at: stamp(10), by: alice),
            try card("fn", "Ada from the future", at: HLCStamp(millis: now + tolerance + 1, counter: 0), by: alice),
            try card("org", "just in time", at: HLCStamp(millis: now + tolerance, counter: 65535), by: alice),
        ]
        return makeCase(
            name: "quarantine",
            description: "At physical_millis, an entry whose stamp's millis exceed physical_millis + "
                + "future_tolerance_millis is quarantined: held (in held_fingerprint) but not merged, so the "
                + "older fn stays retained and the digest leaves it out. The org entry at exactly the tolerance is merged.",
            entries: entries, physicalMillis: now)
    }

    /// Kinds of the table have their own bound (grants 2048, like the edges they follow); kinds it
    /// does not list share the unknown bound. A v1 node would keep only 64 of the grants.
    private static func tableBounds() throws -> MergeVectorFile.Case {
        let alice = try key("alice")
        let count = RetentionBounds.v2.unknown + 1
        var entries: [SignedEntry] = []
        for i in 0..<count {
            guard let recipient = PublicIdentity(bytes: BLAKE2b.hash(Array("recipient".utf8), [UInt8(i)], outputLength: 32))
            else { throw GenerationError(description: "a 32-byte hash is a recipient") }
            entries.append(try SignedEntry.sign(.grant(.empty(to: recipient)), stamp: stamp(UInt64(i)), with: alice))
            entries.append(try SignedEntry.sign(.unknown(payload: [UInt8(i)]), kind: EntryKind(rawValue: 99),
                                                key: Array("k-\(i)".utf8), stamp: stamp(UInt64(i)), with: alice))
        }
        return makeCase(
            name: "table-bounds",
            description: "alice writes \(count) empty grants (kind 6, bound \(RetentionBounds.v2.grant)) to distinct recipients "
                + "and \(count) of kind 99 (not in the table: bound \(RetentionBounds.v2.unknown)), each with its own key, "
                + "at +0…+\(count - 1). Every grant is retained; of kind 99 the one at +0 is pruned.",
            entries: entries, physicalMillis: baseMillis + 1000)
    }
}
