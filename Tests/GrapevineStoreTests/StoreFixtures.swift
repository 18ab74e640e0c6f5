import Foundation
import GrapevineCore
import GrapevineStore
import Sodium
import TestKit

/// Helpers shared by the store tests: temporary stores, fixed keys and entries.
enum StoreFixtures {
    static let baseMillis: UInt64 = 1_750_000_000_000

    /// A new, empty directory, removed when the tests exit.
    static func temporaryDirectory() throws -> String {
        try TemporaryDirectory.create("grapevine-store")
    }

    static func openStore(_ directory: String, millis: UInt64 = baseMillis) throws -> Store {
        try Store(path: directory + "/store.sqlite", physicalMillis: millis)
    }

    /// A key derived from a small number, so tests are reproducible.
    static func key(_ n: Int) -> Ed25519.SigningKey {
        var seed = [UInt8](repeating: 0, count: 32)
        seed[0] = UInt8(truncatingIfNeeded: n)
        seed[1] = UInt8(truncatingIfNeeded: n >> 8)
        seed[31] = 0x5a
        guard let key = Ed25519.SigningKey(seed: seed) else { preconditionFailure("a 32-byte seed is valid") }
        return key
    }

    static func identity(_ key: Ed25519.SigningKey) -> PublicIdentity {
        guard let id = PublicIdentity(bytes: key.publicKey) else { preconditionFailure("public keys are 32 bytes") }
        return id
    }

    static func sign(_ content: EntryContent, _ key: Ed25519.SigningKey, millis: UInt64, counter: UInt16 = 0) throws -> SignedEntry {
        try SignedEntry.sign(content, stamp: HLCStamp(millis: millis, counter: counter), with: key)
    }

    static func card(_ field: String, _ value: String) -> EntryContent {
        .card(CardUpdate(field: field, values: [CardItem(value)]))
    }

    static func connect(_ target: PublicIdentity, _ state: EdgeState = .connected) -> EntryContent {
        .edge(EdgeInfo(target: target, state: state))
    }
}
