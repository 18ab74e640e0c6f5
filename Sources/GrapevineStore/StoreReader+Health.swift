import Foundation
import GRDB
import GrapevineCore

/// The store at a glance, for `inspect`, and the checks of its file.
extension StoreReader {
    /// Counts by kind, authors, retained, pruned, quarantined, rejections and set-aside entries by reason, and the digest.
    public func stats() throws(StoreError) -> StoreStats {
        try mirror.loadIfNeeded()
        let counts = mirror.mergeCounts()
        return try read { db in
            var byKind: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM entry WHERE state = ? GROUP BY kind",
                                        arguments: [StoredEntry.retainedState]) {
                byKind[EntryKind(rawValue: UInt32(truncatingIfNeeded: row[0] as Int64)).name] = row[1]
            }
            var rejections: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT reason, count FROM rejection") {
                rejections[row[0]] = row[1]
            }
            var setAside: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT reason, count(*) FROM set_aside GROUP BY reason") {
                setAside[row[0]] = row[1]
            }
            return StoreStats(
                entriesByKind: byKind,
                authors: try Int.fetchOne(db, sql: "SELECT count(DISTINCT author) FROM entry WHERE state = ?",
                                          arguments: [StoredEntry.retainedState]) ?? 0,
                retained: counts.retained,
                pruned: try Int.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'pruned'") ?? 0,
                quarantined: counts.quarantined, rejections: rejections, setAside: setAside, digest: counts.digest)
        }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }
}
