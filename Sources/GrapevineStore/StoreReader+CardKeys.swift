import Foundation
import GRDB
import GrapevineCore
import Sodium

/// The keys this node holds for others' connections-only fields (PROTOCOL.md §5.9), as a reader
/// opens them. Remembering a newly granted key is a write: ``Store/learnGrantedKeys(signingKey:physicalMillis:)``.
extension StoreReader {
    /// Whether a grant addressed to me names a key this store does not hold yet (a read, so the
    /// CLI writes only when there is something to remember).
    public func hasUnlearntGrant(to signingKey: Ed25519.SigningKey) throws(StoreError) -> Bool {
        let me = PublicIdentity(signingKey)
        return try read { db in
            try CardKeyTable.grants(to: me, db: db).contains { author, grant in
                try !CardKeyTable.keys(of: author, db: db).contains { $0.id == grant.keyID }
            }
        }
    }

    /// The keys I hold for `author`'s sealed fields, newest first: those remembered, and the one
    /// the author's current grant to me holds.
    public func cardKeys(for author: PublicIdentity, signingKey: Ed25519.SigningKey) throws(StoreError) -> [CardKey] {
        try read { db in
            var keys = try CardKeyTable.keys(of: author, db: db)
            let granted = try CardKeyTable.grants(by: author, db: db).first { $0.recipient.bytes == signingKey.publicKey }
            if let granted, !keys.contains(where: { $0.id == granted.keyID }),
               let key = CardSealing.openGrant(granted, as: signingKey) {
                keys.insert(key, at: 0)
            }
            return keys
        }
    }

    /// The grants `author` has retained, by recipient.
    public func grants(by author: PublicIdentity) throws(StoreError) -> [GrantInfo] {
        try read { db in try CardKeyTable.grants(by: author, db: db) }
    }
}
