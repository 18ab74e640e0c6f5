import Foundation
import GrapevineCore
import GrapevineStore
import Testing

/// `Store.editCard(signingKey:physicalMillis:randomness:deciding:)`: read-modify-write inside the one write transaction.
@Suite struct LocalEditTests {
    typealias F = StoreFixtures

    struct Refused: Error, Equatable {}

    static func adding(_ value: String) -> ([String: OwnField]) -> [FieldEdit] {
        { card in [FieldEdit(field: "email", values: (card["email"]?.values ?? []) + [CardItem(value)], visibility: .public)] }
    }

    @Test("an edit sees what another process's store wrote since this one last read, so no value is lost")
    func anEditSeesTheOtherProcessesWrites() throws {
        let dir = try F.temporaryDirectory()
        let mine = try F.openStore(dir)
        let other = try F.openStore(dir)
        let me = F.key(1)
        _ = try mine.editCard(signingKey: me, physicalMillis: F.baseMillis, deciding: Self.adding("a@example.com"))
        _ = try other.editCard(signingKey: me, physicalMillis: F.baseMillis, deciding: Self.adding("b@example.com"))
        let written = try mine.editCard(signingKey: me, physicalMillis: F.baseMillis, deciding: Self.adding("c@example.com"))
        #expect(written.count == 1)
        let values = try other.reader.card(F.identity(me)).fields.first { $0.field == "email" }?.values.map(\.value)
        #expect(values == ["a@example.com", "b@example.com", "c@example.com"])
    }

    @Test("an edit that decides nothing, or refuses, writes nothing and rethrows the refusal")
    func aRefusalWritesNothing() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let me = F.key(1)
        #expect(try store.editCard(signingKey: me, physicalMillis: F.baseMillis) { _ in [] }.isEmpty)
        #expect(throws: Refused()) {
            try store.editCard(signingKey: me, physicalMillis: F.baseMillis) { (_) throws(Refused) -> [FieldEdit] in
                throw Refused()
            }
        }
        #expect(try store.outbox().isEmpty)
        #expect(try store.reader.card(F.identity(me)).fields.isEmpty)
    }

    @Test("an edit may write several fields; they are stored and queued in order with rising stamps")
    func severalFieldsInOneEdit() throws {
        let store = try F.openStore(F.temporaryDirectory())
        let me = F.key(1)
        let written = try store.editCard(signingKey: me, physicalMillis: F.baseMillis) { _ in
            [FieldEdit(field: "fn", values: [CardItem("Ada")], visibility: .public),
             FieldEdit(field: "title", values: [CardItem("Countess")], visibility: .public)]
        }
        #expect(written.count == 2)
        #expect(written[0].stamp < written[1].stamp)
        #expect(try store.outbox().map(\.encoded) == written.map(\.encoded))
    }
}
