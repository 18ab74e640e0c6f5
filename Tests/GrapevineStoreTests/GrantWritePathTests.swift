import Foundation
import GrapevineCore
import GrapevineStore
import Sodium
import Testing

/// The local write path of private fields: sealing under my card key, granting it to exactly my
/// mutual connections, and rotating it when one of them stops being one (PROTOCOL.md §5.9).
@Suite struct GrantWritePathTests {
    typealias F = StoreFixtures

    let alice = F.key(1)
    let bob = F.key(2)
    let carol = F.key(3)

    func setTel(_ value: String, in store: Store, millis: UInt64) throws -> [SignedEntry] {
        try store.editCard(signingKey: alice, physicalMillis: millis) { _ in
            [FieldEdit(field: "tel", values: [CardItem(value)], visibility: .connections)]
        }
    }

    /// Alice's current tel as `reader` opens it: with the key Alice's retained grant to it holds
    /// (in Alice's store), or with the keys its own store holds.
    func tel(readBy reader: Ed25519.SigningKey, in store: Store, ownStore: Bool = false) throws -> [String]? {
        let field = try store.reader.card(F.identity(alice)).fields.first { $0.field == "tel" }
        guard let sealed = field?.sealed else { return nil }
        let keys = ownStore ? try store.reader.cardKeys(for: F.identity(alice), signingKey: reader)
            : try grant(to: reader, in: store).flatMap { CardSealing.openGrant($0, as: reader) }.map { [$0] } ?? []
        return keys.lazy.compactMap { CardSealing.open(sealed, field: "tel", author: F.identity(alice), key: $0) }
            .first?.map(\.value)
    }

    func grant(to reader: Ed25519.SigningKey, in store: Store) throws -> GrantInfo? {
        try store.reader.grants(by: F.identity(alice)).first { $0.recipient == F.identity(reader) }
    }

    /// Alice's store, holding bob's and carol's edges to her.
    func storeWhereBobAndCarolConnectedToAlice(_ t: UInt64) throws -> Store {
        let store = try F.openStore(F.temporaryDirectory())
        _ = try Ingestor(store: store).ingest([
            try F.sign(F.connect(F.identity(alice)), bob, millis: t - 100),
            try F.sign(F.connect(F.identity(alice)), carol, millis: t - 100),
        ].map(\.encoded), physicalMillis: t)
        return store
    }

    @Test("a connections-only field is sealed, its first key is granted to each mutual connection, and one that becomes mutual gets a grant in the same write")
    func grantsFollowMutualConnections() throws {
        let t = F.baseMillis
        let store = try storeWhereBobAndCarolConnectedToAlice(t)
        _ = try store.write(F.connect(F.identity(bob)), signingKey: alice, physicalMillis: t)
        let written = try setTel("+1 555 0100", in: store, millis: t + 1)
        #expect(written.map(\.kind) == [.grant, .card], "the key is granted before the first field sealed under it")
        #expect(try grant(to: carol, in: store) == nil, "carol is not a mutual connection yet")
        let bobsGrant = try #require(try grant(to: bob, in: store))
        #expect(CardSealing.openGrant(bobsGrant, as: bob) != nil)
        #expect(try tel(readBy: bob, in: store) == ["+1 555 0100"])
        #expect(try store.reader.card(F.identity(alice)).fields.first { $0.field == "tel" }?.values.isEmpty == true)

        let edge = try store.write(F.connect(F.identity(carol)), signingKey: alice, physicalMillis: t + 2)
        #expect(edge.kind == .edge)
        #expect(try tel(readBy: carol, in: store) == ["+1 555 0100"], "connecting back grants the key at once")
    }

    @Test("when a holder's edge is removed, the key rotates in one transaction: fields sealed again, grants to the rest, an empty grant to the one removed")
    func removalRotates() throws {
        let t = F.baseMillis
        let store = try storeWhereBobAndCarolConnectedToAlice(t)
        _ = try store.write(F.connect(F.identity(bob)), signingKey: alice, physicalMillis: t)
        _ = try store.write(F.connect(F.identity(carol)), signingKey: alice, physicalMillis: t)
        _ = try setTel("+1 555 0100", in: store, millis: t + 1)
        let before = try #require(try grant(to: bob, in: store)).keyID

        // Bob removes his edge; his entry arrives, and the node keeps the grants in step.
        _ = try Ingestor(store: store).ingest([try F.sign(F.connect(F.identity(alice), .removed), bob, millis: t + 2).encoded],
                                              physicalMillis: t + 3)
        let rotation = try store.maintainGrants(signingKey: alice, physicalMillis: t + 3)
        #expect(rotation.map(\.kind) == [.card, .grant, .grant])
        #expect(try grant(to: bob, in: store)?.isEmpty == true)
        let carols = try #require(try grant(to: carol, in: store))
        #expect(carols.keyID != before)
        #expect(try tel(readBy: carol, in: store) == ["+1 555 0100"])
        #expect(try tel(readBy: bob, in: store) == nil, "bob holds no grant of the new key")
        #expect(try store.maintainGrants(signingKey: alice, physicalMillis: t + 4).isEmpty, "in step: nothing more to write")

        // Alice disconnects from carol herself: the same rotation, in the transaction of the edge.
        _ = try store.write(F.connect(F.identity(carol), .removed), signingKey: alice, physicalMillis: t + 5)
        #expect(try grant(to: carol, in: store)?.isEmpty == true)
        #expect(try tel(readBy: carol, in: store) == nil)
    }

    @Test("a recipient remembers the keys granted to it, so a value sealed before a rotation stays readable in its history, and the new one does not")
    func recipientsKeepOldKeys() throws {
        let alices = try F.openStore(F.temporaryDirectory())
        let bobs = try F.openStore(F.temporaryDirectory())
        let t = F.baseMillis
        let bobEdge = try F.sign(F.connect(F.identity(alice)), bob, millis: t - 100)
        _ = try Ingestor(store: alices).ingest([bobEdge.encoded], physicalMillis: t)
        var sent = [bobEdge]
        sent.append(try alices.write(F.connect(F.identity(bob)), signingKey: alice, physicalMillis: t))
        sent += try setTel("+1 555 0100", in: alices, millis: t + 1)
        _ = try Ingestor(store: bobs).ingest(sent.map(\.encoded), physicalMillis: t + 2)
        #expect(try bobs.learnGrantedKeys(signingKey: bob, physicalMillis: t + 2) == 1)
        #expect(try bobs.learnGrantedKeys(signingKey: bob, physicalMillis: t + 2) == 0)
        #expect(try tel(readBy: bob, in: bobs, ownStore: true) == ["+1 555 0100"])

        let removal = try alices.write(F.connect(F.identity(bob), .removed), signingKey: alice, physicalMillis: t + 3)
        let changed = try setTel("+1 555 0199", in: alices, millis: t + 4)
        let rotation = try alices.outbox().compactMap { try? SignedEntry.decode($0.encoded) }
        _ = try Ingestor(store: bobs).ingest(([removal] + changed + rotation).map(\.encoded), physicalMillis: t + 5)
        #expect(try tel(readBy: bob, in: bobs, ownStore: true) == nil)
        let field = try #require(try bobs.reader.card(F.identity(alice)).fields.first { $0.field == "tel" })
        let keys = try bobs.reader.cardKeys(for: F.identity(alice), signingKey: bob)
        let readable = field.superseded.compactMap { old in
            old.sealed.flatMap { sealed in
                keys.lazy.compactMap { CardSealing.open(sealed, field: "tel", author: F.identity(alice), key: $0) }.first
            }
        }
        #expect(readable.contains([CardItem("+1 555 0100")]))
        #expect(!readable.contains([CardItem("+1 555 0199")]))
    }
}
