import Foundation
import GRDB
import GrapevineCore

/// What is held of the entries.
extension StoreReader {
    /// Whether an entry with this id is stored (retained or quarantined).
    public func contains(_ id: EntryID) throws(StoreError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM entry WHERE id = ?)", arguments: [id.blob]) ?? false
        }
    }
}
