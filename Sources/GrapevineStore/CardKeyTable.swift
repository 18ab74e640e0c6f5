import Foundation
import GRDB
import GrapevineCore

/// The `card_key` table: the card keys this node made for its own fields and the ones it opened
/// from grants addressed to it, newest last. Never replicated; a key id names a key everywhere.
enum CardKeyTable {
    /// Keys kept per author: the current one and 4 earlier ones (PROTOCOL.md §5.9.6).
    static let keptPerAuthor = 5

    /// The author's keys, newest first.
    static func keys(of author: PublicIdentity, db: Database) throws -> [CardKey] {
        try Row.fetchAll(db, sql: "SELECT key FROM card_key WHERE author = ? ORDER BY seq DESC", arguments: [author.blob])
            .compactMap { CardKey(bytes: $0.bytes(0)) }
    }

    /// Remembers `key` as the author's newest, and forgets the oldest beyond the bound. A key
    /// already held keeps its place, so opening the same grant twice changes nothing.
    static func remember(_ key: CardKey, of author: PublicIdentity, db: Database) throws {
        try db.run("INSERT OR IGNORE INTO card_key (author, key_id, key) VALUES (?, ?, ?)",
                   arguments: [author.blob, Data(key.id), Data(key.bytes)])
        try db.run("""
                DELETE FROM card_key WHERE author = ?1 AND seq NOT IN (
                    SELECT seq FROM card_key WHERE author = ?1 ORDER BY seq DESC LIMIT ?2)
                """,
            arguments: [author.blob, keptPerAuthor])
    }

    /// The author's retained grants, by recipient.
    static func grants(by author: PublicIdentity, db: Database) throws -> [GrantInfo] {
        try Row.fetchAll(db, sql: "SELECT recipient, key_id, sealed_key FROM grant_entry WHERE author = ? ORDER BY recipient",
                         arguments: [author.blob])
            .compactMap { row in
                PublicIdentity(bytes: row.bytes(0)).map { GrantInfo(recipient: $0, keyID: row.bytes(1), sealedKey: row.bytes(2)) }
            }
    }

    /// The non-empty grants addressed to `recipient`, by author.
    static func grants(to recipient: PublicIdentity, db: Database) throws -> [(author: PublicIdentity, grant: GrantInfo)] {
        try Row.fetchAll(db, sql: """
                SELECT author, key_id, sealed_key FROM grant_entry WHERE recipient = ? AND length(key_id) > 0 ORDER BY author
                """, arguments: [recipient.blob])
            .compactMap { row in
                PublicIdentity(bytes: row.bytes(0)).map {
                    ($0, GrantInfo(recipient: recipient, keyID: row.bytes(1), sealedKey: row.bytes(2)))
                }
            }
    }

    /// My connections-only fields as my keys open them, sorted by field; a field none opens is left out.
    static func openedFields(of me: PublicIdentity, keys: [CardKey], db: Database) throws -> [(field: String, values: [CardItem])] {
        try Row.fetchAll(db, sql: "SELECT field, sealed FROM card_field WHERE author = ? AND sealed IS NOT NULL ORDER BY field",
                         arguments: [me.blob])
            .compactMap { row in
                let field: String = row[0]
                guard let sealed = SealedValue(bytes: row.bytes(1)),
                      let values = keys.lazy.compactMap({ CardSealing.open(sealed, field: field, author: me, key: $0) }).first
                else { return nil }
                return (field, values)
            }
    }
}
