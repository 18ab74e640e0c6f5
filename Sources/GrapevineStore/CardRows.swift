import Foundation
import GRDB
import GrapevineCore

/// Reading the card tables' rows back into values, for the read model and for the local edit
/// path, which reads my card inside its write transaction.
enum CardRows {
    /// A contact row from the fields `card_field` holds for one author.
    static func summary(_ identity: PublicIdentity, _ fields: [String: String]) -> ContactSummary {
        ContactSummary(
            identity: identity, name: fields["fn"] ?? fields["n"] ?? "", org: fields["org"] ?? "",
            title: fields["title"] ?? "", locality: fields["locality"] ?? "")
    }

    /// The sealed bytes in `column`, or nil for a public value (NULL).
    static func sealed(_ row: Row, column: Int) -> SealedValue? {
        let bytes = row.bytes(column)
        return bytes.isEmpty ? nil : SealedValue(bytes: bytes)
    }

    /// The entry id in `column`; a damaged row is an error that names it, not a crash.
    static func entryID(_ row: Row, column: Int) throws -> EntryID {
        let bytes = row.bytes(column)
        guard let id = EntryID(bytes: bytes) else {
            throw StoreError.corruptEntry(id: Hex.encode(bytes), detail: "a card row's entry id is not \(EntryID.length) bytes")
        }
        return id
    }

    /// The values of an `items` column.
    static func values(_ json: String) throws -> [CardItem] {
        try JSONDecoder().decode([CardItem].self, from: Data(json.utf8))
    }

    /// The author's card fields that hold values, read on `db` (inside a write transaction, for
    /// the local edit path).
    static func cardItems(of author: PublicIdentity, db: Database) throws -> [String: [CardItem]] {
        var result: [String: [CardItem]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT field, items FROM card_field WHERE author = ?", arguments: [author.blob]) {
            let items = try values(row[1])
            if !items.isEmpty { result[row[0]] = items }
        }
        return result
    }
}
