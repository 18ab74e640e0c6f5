import Foundation
import GRDB
import GrapevineCore

extension Store {
    /// The encoded `SignedEntry` of each held entry among `ids`, exactly as it arrived, in the
    /// order of `ids`; ids not held are left out. One read for the whole answer of a request or
    /// a reconciliation round, rather than one per entry.
    public func encodedEntries(_ ids: [EntryID]) -> [[UInt8]] {
        guard !ids.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        let rows = try? pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body, signature FROM entry WHERE id IN (\(placeholders))",
                             arguments: StatementArguments(ids.map { Data($0.bytes) }))
        }
        var found: [Data: [UInt8]] = [:]
        for row in rows ?? [] {
            guard let id = row["id"] as Data?, let body = row["body"] as Data?, let signature = row["signature"] as Data?
            else { continue }
            found[id] = SignedEntry.envelope(body: [UInt8](body), signature: [UInt8](signature))
        }
        return ids.compactMap { found[Data($0.bytes)] }
    }
}
