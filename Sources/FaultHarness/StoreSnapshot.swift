import Foundation
import GRDB

/// What a store file holds, read straight from SQLite: the harness checks the product's claims
/// against the file, not against the product's own report of it.
public struct StoreSnapshot: Sendable {
    /// Retained entry ids (lower-case hex).
    public var retained: Set<String> = []
    /// Entries held in quarantine until their stamp is due.
    public var quarantined: Set<String> = []
    /// Retained entries by "author-hex/kind".
    public var retainedByAuthorKind: [String: Int] = [:]

    /// Reads the store read-only; a running node may keep writing meanwhile.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT hex(id) AS id, hex(author) AS author, kind, state FROM entry")
        }
        for row in rows {
            let id = (row["id"] as String).lowercased()
            let state: Int = row["state"]
            if state == 0 {
                retained.insert(id)
                let kind: Int = row["kind"]
                retainedByAuthorKind["\((row["author"] as String).lowercased())/\(kind)", default: 0] += 1
            } else {
                quarantined.insert(id)
            }
        }
    }

    public var all: Set<String> { retained.union(quarantined) }

    /// `PRAGMA integrity_check` of a store no process has open: "ok", or what SQLite found.
    public static func integrityCheck(path: String) throws -> String {
        let queue = try DatabaseQueue(path: path)
        let lines = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        return lines.joined(separator: "; ")
    }
}
