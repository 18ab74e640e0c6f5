import GRDB
import GRDBSQLite
import GrapevineCore

/// The values of one execution of a cached statement, bound straight into SQLite in order.
///
/// The ingest path runs a handful of statements a hundred thousand times; going through GRDB's
/// `StatementArguments` costs an array of boxed values and a `Data` copy of every blob per
/// execution, about as much as SQLite's own work for a small row. Here each value is copied once,
/// by SQLite (`SQLITE_TRANSIENT`), from the caller's own storage.
struct StatementBindings {
    fileprivate let statement: SQLiteStatement
    private var index: Int32 = 1

    fileprivate init(_ statement: SQLiteStatement) {
        self.statement = statement
    }

    /// SQLite's "copy the value now" destructor, which the C macro `SQLITE_TRANSIENT` spells.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    mutating func bind(_ value: Int64) {
        sqlite3_bind_int64(statement, next(), value)
    }

    /// A blob; an empty one is bound as an empty blob, never as NULL.
    mutating func bind(_ bytes: [UInt8]) {
        let position = next()
        _ = bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress, !raw.isEmpty {
                sqlite3_bind_blob(statement, position, base, Int32(raw.count), Self.transient)
            } else {
                sqlite3_bind_zeroblob(statement, position, 0)
            }
        }
    }

    /// A blob, or NULL when there is none.
    mutating func bind(_ bytes: [UInt8]?) {
        guard let bytes else {
            sqlite3_bind_null(statement, next())
            return
        }
        bind(bytes)
    }

    mutating func bind(_ id: EntryID) {
        var words = (id.w0.bigEndian, id.w1.bigEndian, id.w2.bigEndian, id.w3.bigEndian)
        let position = next()
        withUnsafeBytes(of: &words) { raw in
            _ = sqlite3_bind_blob(statement, position, raw.baseAddress, Int32(EntryID.length), Self.transient)
        }
    }

    mutating func bind(_ identity: PublicIdentity) {
        bind(identity.bytes)
    }

    /// Text, bound with its exact UTF-8 bytes; an empty string is bound as '' rather than NULL.
    mutating func bind(_ text: String) {
        let position = next()
        var text = text
        text.withUTF8 { utf8 in
            if let base = utf8.baseAddress, !utf8.isEmpty {
                _ = base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    sqlite3_bind_text(statement, position, $0, Int32(utf8.count), Self.transient)
                }
            } else {
                sqlite3_bind_text(statement, position, "", 0, Self.transient)
            }
        }
    }

    private mutating func next() -> Int32 {
        defer { index += 1 }
        return index
    }
}

extension Database {
    /// Runs a cached statement that returns no rows with values bound by `bind`, in order.
    func run(_ sql: String, bind: (inout StatementBindings) -> Void) throws {
        let statement = try cachedStatement(sql: sql).sqliteStatement
        var bindings = StatementBindings(statement)
        bind(&bindings)
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        guard code == SQLITE_DONE else { throw failure(code, sql: sql) }
    }

    /// Runs a cached query with values bound by `bind`, calling `row` with the statement at each
    /// row (its columns are valid until the next step).
    func forEachRow(_ sql: String, bind: (inout StatementBindings) -> Void, _ row: (SQLiteStatement) throws -> Void) throws {
        let statement = try cachedStatement(sql: sql).sqliteStatement
        var bindings = StatementBindings(statement)
        bind(&bindings)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code, sql: sql) }
            try row(statement)
        }
    }

    private func failure(_ code: Int32, sql: String) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)), sql: sql)
    }
}

/// Reading the columns of a row that ``Database/forEachRow(_:bind:_:)`` is at.
enum StatementColumns {
    static func int64(_ s: SQLiteStatement, _ column: Int32) -> Int64 {
        sqlite3_column_int64(s, column)
    }

    /// A text column; NULL reads as empty.
    static func text(_ s: SQLiteStatement, _ column: Int32) -> String {
        guard let start = sqlite3_column_text(s, column) else { return "" }
        let count = Int(sqlite3_column_bytes(s, column))
        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }
}
