import Foundation
import GRDB
import GrapevineCore
import GrapevineMerge

/// One row of the `entry` table: the signed bytes exactly as received, plus the metadata
/// columns that let start-up rebuild the merge core without re-verifying signatures.
struct StoredEntry: Sendable {
    static let retainedState: Int64 = 0
    static let quarantinedState: Int64 = 1

    var id: EntryID
    var author: PublicIdentity
    var kind: EntryKind
    var replacementKey: [UInt8]
    var stamp: HLCStamp
    var body: [UInt8]
    var signature: [UInt8]

    init(_ entry: SignedEntry) {
        id = entry.id
        author = entry.author
        kind = entry.kind
        replacementKey = entry.replacementKey
        stamp = entry.stamp
        body = entry.body
        signature = entry.signature
    }

    init(id: EntryID, author: PublicIdentity, kind: EntryKind, replacementKey: [UInt8], stamp: HLCStamp,
         body: [UInt8], signature: [UInt8]) {
        self.id = id
        self.author = author
        self.kind = kind
        self.replacementKey = replacementKey
        self.stamp = stamp
        self.body = body
        self.signature = signature
    }

    var meta: EntryMeta {
        EntryMeta(id: id, author: author, kind: kind, replacementKey: replacementKey, stamp: stamp)
    }

    /// The `SignedEntry` message (field 1 body, field 2 signature), byte for byte what was received.
    var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + signature.count + 8)
        Self.appendField(1, body, to: &out)
        Self.appendField(2, signature, to: &out)
        return out
    }

    /// Re-reads the stored bytes: the checks that need no signature, so that derived tables can be
    /// recomputed from the source of truth. A failure means the file was altered.
    func parsed() throws(StoreError) -> ParsedEntry {
        do {
            return try ParsedEntry.parse(encoded)
        } catch {
            throw .corruptEntry(id: id.hex, detail: error.description)
        }
    }

    private static func appendField(_ field: UInt8, _ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(field << 3 | 2)
        var length = UInt64(bytes.count)
        while length >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        out.append(UInt8(length))
        out.append(contentsOf: bytes)
    }
}

extension HLCStamp {
    /// SQLite integers are signed: the raw value is stored as its bit pattern.
    var databaseValue: Int64 { Int64(bitPattern: rawValue) }

    init(databaseValue: Int64) {
        self.init(rawValue: UInt64(bitPattern: databaseValue))
    }
}

extension EntryID {
    /// The id as an SQLite blob.
    var blob: Data { Data(bytes) }
}

extension PublicIdentity {
    /// The key as an SQLite blob.
    var blob: Data { Data(bytes) }
}

extension Row {
    /// A blob column as bytes; NULL and non-blob values read as empty, which the callers reject.
    func bytes(_ index: Int) -> [UInt8] {
        guard let data = self[index] as Data? else { return [] }
        return [UInt8](data)
    }
}
