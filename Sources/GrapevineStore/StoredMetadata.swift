import GRDB
import GRDBSQLite
import GrapevineCore
import GrapevineMerge

/// The merge metadata of every stored entry (no bodies), read at open for `MergeCore.restore`,
/// and the fingerprints of the held signatures for the duplicate fast path.
///
/// Columns are read in place from the SQLite statement (no copy per column), and each distinct
/// author and replacement key is held once (an introduction's key is its own id, so it is not
/// shared): the rows become the merge core's entry table as they are.
struct StoredMetadata {
    private var interner = Interner()

    /// The metadata of the retained and of the quarantined entries, in table order, and the
    /// fingerprint of every held (id, signature) pair.
    mutating func entries(_ db: Database) throws
        -> (retained: [EntryMeta], quarantined: [EntryMeta], held: FingerprintSet)
    {
        var retained: [EntryMeta] = []
        var quarantined: [EntryMeta] = []
        var fingerprints: [UInt64] = []
        let statement = try db.makeStatement(sql: "SELECT id, author, kind, rkey, stamp, state, signature FROM entry")
        let s = statement.sqliteStatement
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            guard let id = EntryID(bytes: Self.blob(s, 0)) else {
                throw StoreError.corruptEntry(id: "?", detail: "bad id column")
            }
            guard let author = interner.identity(Self.blob(s, 1)) else {
                throw StoreError.corruptEntry(id: id.hex, detail: "bad author column")
            }
            guard sqlite3_column_type(s, 2) == SQLITE_INTEGER, sqlite3_column_type(s, 4) == SQLITE_INTEGER,
                  sqlite3_column_type(s, 5) == SQLITE_INTEGER
            else { throw StoreError.corruptEntry(id: id.hex, detail: "missing kind, stamp or state") }
            let kind = EntryKind(rawValue: UInt32(truncatingIfNeeded: sqlite3_column_int64(s, 2)))
            let keyBytes = Self.blob(s, 3)
            let key = kind == .introduction ? [UInt8](keyBytes) : interner.bytes(keyBytes)
            let meta = EntryMeta(id: id, author: author, kind: kind, replacementKey: key,
                                 stamp: HLCStamp(databaseValue: sqlite3_column_int64(s, 4)))
            fingerprints.append(HeldSignatures.fingerprint(id, signature: Self.blob(s, 6)))
            if sqlite3_column_int64(s, 5) == StoredEntry.quarantinedState {
                quarantined.append(meta)
            } else {
                retained.append(meta)
            }
        }
        // Sized once for all of them, rather than rebuilt as it grows.
        var held = FingerprintSet(reservingCapacity: fingerprints.count)
        for fingerprint in fingerprints { held.insert(fingerprint) }
        return (retained, quarantined, held)
    }

    /// Calls `body` with each (author, target) whose edge says `connected`, sorted.
    mutating func connectedEdges(_ db: Database, _ body: (PublicIdentity, PublicIdentity) -> Void) throws {
        let statement = try db.makeStatement(sql: "SELECT author, target FROM edge WHERE state = ? ORDER BY author, target")
        statement.arguments = [Int64(EdgeState.connected.rawValue)]
        let s = statement.sqliteStatement
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            guard let author = interner.identity(Self.blob(s, 0)), let target = interner.identity(Self.blob(s, 1)) else {
                throw StoreError.corruptEntry(id: "?", detail: "bad edge row")
            }
            body(author, target)
        }
    }

    /// A blob column of the current row, valid until the statement steps; NULL reads as empty.
    private static func blob(_ s: SQLiteStatement, _ column: Int32) -> UnsafeRawBufferPointer {
        guard let start = sqlite3_column_blob(s, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(s, column)))
    }
}

/// One shared copy of each distinct author and replacement key.
private struct Interner {
    private var identities: [PackedBytes: PublicIdentity] = [:]
    private var keys: [PackedBytes: [UInt8]] = [:]
    /// Rows come mostly author by author: the previous row's author is checked first.
    private var previous: (packed: PackedBytes, identity: PublicIdentity)?

    mutating func identity(_ raw: UnsafeRawBufferPointer) -> PublicIdentity? {
        guard let packed = PackedBytes(raw) else { return nil }
        if let previous, previous.packed == packed { return previous.identity }
        let identity: PublicIdentity
        if let known = identities[packed] {
            identity = known
        } else {
            guard let parsed = PublicIdentity(bytes: Array(raw)) else { return nil }
            identities[packed] = parsed
            identity = parsed
        }
        previous = (packed, identity)
        return identity
    }

    /// The short keys seen most recently (card field names, mostly), checked before `keys`.
    private var recent: [(packed: PackedBytes, bytes: [UInt8])] = []
    private static let recentLimit = 16

    /// The bytes of a replacement key; a 32-byte key that is some author's key shares its array.
    mutating func bytes(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        guard let packed = PackedBytes(raw) else { return Array(raw) }
        if raw.count < PackedBytes.capacity, let hit = recent.first(where: { $0.packed == packed }) { return hit.bytes }
        let bytes: [UInt8]
        if let known = identities[packed] {
            bytes = known.bytes
        } else if let known = keys[packed] {
            bytes = known
        } else {
            bytes = Array(raw)
            keys[packed] = bytes
        }
        if raw.count < PackedBytes.capacity, recent.count < Self.recentLimit { recent.append((packed, bytes)) }
        return bytes
    }
}

/// Up to 32 bytes as a hashable value that needs no heap copy: zero-padded words and the length.
private struct PackedBytes: Hashable {
    let w0: UInt64
    let w1: UInt64
    let w2: UInt64
    let w3: UInt64
    let count: Int

    static let capacity = 32

    init?(_ raw: UnsafeRawBufferPointer) {
        guard raw.count <= Self.capacity else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        if raw.count > 0 {
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: raw) }
        }
        (w0, w1, w2, w3) = words
        count = raw.count
    }
}
