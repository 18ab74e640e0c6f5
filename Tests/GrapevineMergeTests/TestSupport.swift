import GrapevineCore
@testable import GrapevineMerge
import Sodium

enum Fixtures {
    static let base: UInt64 = 1_764_000_000_000

    /// Small bounds, so random sets overflow them often.
    static let small = RetentionBounds(card: 3, endpoint: 1, edge: 4, introduction: 3, introductionResponse: 2,
                                       grant: 4, introductionRequest: 3, deviceRecord: 2, unknown: 2, quarantinePerAuthor: 3, quarantineTotal: 5)

    static func id(_ rng: inout SeededRandom) -> EntryID {
        EntryID(bytes: rng.bytes(32))!
    }

    static func identity(_ byte: UInt8) -> PublicIdentity {
        PublicIdentity(bytes: [UInt8](repeating: byte, count: 32))!
    }

    static func meta(author: UInt8, kind: EntryKind, key: [UInt8], stamp: HLCStamp, id: EntryID) -> EntryMeta {
        EntryMeta(id: id, author: identity(author), kind: kind,
                  replacementKey: kind == .introduction ? id.bytes : key, stamp: stamp)
    }

    /// A random meta from a few authors, kinds and keys, with stamps from a narrow range so that
    /// concurrent and equal stamps are common; `futureShare` of them lie beyond the tolerance at `base`.
    static func randomMeta(_ rng: inout SeededRandom, futureShare: Double = 0) -> EntryMeta {
        let kinds: [EntryKind] = [.card, .endpoint, .edge, .introduction, .introductionResponse, .grant, EntryKind(rawValue: 99)]
        let kind = kinds[Int.random(in: 0..<kinds.count, using: &rng)]
        let id = id(&rng)
        let key: [UInt8]
        switch kind {
        case .card: key = Array("f\(Int.random(in: 0..<6, using: &rng))".utf8)
        case .endpoint: key = []
        case .edge, .introductionResponse, .grant: key = [UInt8](repeating: UInt8.random(in: 0..<8, using: &rng), count: 32)
        case .introduction: key = id.bytes
        default: key = [UInt8.random(in: 0..<4, using: &rng)]
        }
        var millis = base + UInt64.random(in: 0..<20, using: &rng)
        if Double.random(in: 0..<1, using: &rng) < futureShare {
            millis += HybridLogicalClock.defaultFutureToleranceMillis + UInt64.random(in: 1..<50, using: &rng)
        }
        let stamp = HLCStamp(millis: millis, counter: UInt16.random(in: 0..<3, using: &rng))
        return meta(author: UInt8.random(in: 1...4, using: &rng), kind: kind, key: key, stamp: stamp, id: id)
    }

    /// What the rules say is retained, computed from the whole set at once: the greatest entry per
    /// replacement key, then the K greatest of those per (author, kind).
    static func expectedRetained(_ entries: [EntryMeta], bounds: RetentionBounds) -> [EntryID] {
        var winners: [String: EntryMeta] = [:]
        for e in entries {
            let slot = "\(e.author.bytes)|\(e.kind.rawValue)|\(e.replacementKey)"
            if let w = winners[slot], (w.stamp, w.id) >= (e.stamp, e.id) { continue }
            winners[slot] = e
        }
        var groups: [String: [EntryMeta]] = [:]
        for w in winners.values { groups["\(w.author.bytes)|\(w.kind.rawValue)", default: []].append(w) }
        var kept: [EntryID] = []
        for members in groups.values {
            guard let kind = members.first?.kind else { continue }
            let sorted = members.sorted { ($0.stamp, $0.id) > ($1.stamp, $1.id) }
            kept += sorted.prefix(bounds.limit(for: kind)).map(\.id)
        }
        return kept.sorted()
    }

    /// The fingerprint as the spec states it, with byte-wise addition independent of `IDSum`.
    static func referenceFingerprint(_ ids: [EntryID]) -> String {
        var sum = [UInt8](repeating: 0, count: 32)
        for id in ids {
            var carry = 0
            for i in 0..<32 {
                let s = Int(sum[i]) + Int(id.bytes[i]) + carry
                sum[i] = UInt8(s & 0xff)
                carry = s >> 8
            }
        }
        var count = [UInt8]()
        for i in 0..<8 { count.append(UInt8(truncatingIfNeeded: UInt64(ids.count) >> (8 * UInt64(i)))) }
        return Hex.encode(BLAKE2b.hash(Array("grapevine/set-fingerprint/v1".utf8) + [0], sum, count, outputLength: 16))
    }

    static func signingKey(_ name: String) -> Ed25519.SigningKey {
        Ed25519.SigningKey(seed: BLAKE2b.hash(Array(name.utf8), outputLength: 32))!
    }

    static func card(_ field: String, _ value: String, _ stamp: HLCStamp, _ key: Ed25519.SigningKey) throws -> SignedEntry {
        try SignedEntry.sign(.card(CardUpdate(field: field, values: [CardItem(value)])), stamp: stamp, with: key)
    }
}
