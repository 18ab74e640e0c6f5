#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GRDB
import GrapevineCore

/// Why a store operation failed. Each message says what happened in a user's terms; SQLite's own
/// wording (`SQLite error 14 … while executing PRAGMA …`) never reaches the user for the
/// failures a person can cause and fix: a read-only home, a damaged file, a lock, a full disk.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// SQLite failed for a reason not listed below; the message is SQLite's, without the statement.
    case database(String)
    /// The store file or its folder cannot be written (permissions, a read-only file system).
    case readOnly(path: String)
    /// The file is not an SQLite database, or SQLite found it damaged.
    case damaged(path: String)
    /// The file cannot be opened although its folder is writable (it vanished, or is not a file).
    case cannotOpen(path: String)
    /// Another process held the write lock for the whole busy timeout.
    case busy(path: String)
    /// The disk (or a quota) is full.
    case diskFull(path: String)
    /// A stored entry could not be read back: the file was changed outside Grapevine.
    case corruptEntry(id: String, detail: String)
    /// A local write was refused before signing: the content is not a valid entry.
    case invalidLocalEntry(EntryError)
    /// A local write merged as something other than new, which only a broken clock can cause.
    case localWriteNotRetained(String)

    public var description: String {
        switch self {
        case .database(let message):
            return "store: \(message)"
        case .readOnly(let path):
            return "cannot write the store \(path): its folder, the file or the file system is read-only; make them writable (`chmod u+w` on the home and its store.sqlite), or copy the home to a writable place and pass --home"
        case .damaged(let path):
            return "the store \(path) is damaged or is not a Grapevine store"
        case .cannotOpen(let path):
            return "cannot open the store \(path): check that it is a file and that the home folder is there"
        case .busy(let path):
            return "the store \(path) stayed locked by another grapevine process for \(Int(Store.busyTimeout)) s: try again, or stop the process that holds it"
        case .diskFull(let path):
            return "the disk holding \(path) is full: free some space and try again"
        case .corruptEntry(let id, let detail):
            return "stored entry \(id) is unreadable (\(detail)); the store was modified outside Grapevine"
        case .invalidLocalEntry(let error):
            return "cannot write this entry: \(error)"
        case .localWriteNotRetained(let outcome):
            return "the local entry was not retained (\(outcome)); check the system clock"
        }
    }

    /// The store error for any failure of an operation on the store at `path`.
    static func from(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let sqlite = error as? DatabaseError else { return .database("\(path): \(error)") }
        switch sqlite.resultCode {
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            return .readOnly(path: path)
        case .SQLITE_CANTOPEN:
            // SQLite says "unable to open" also when WAL cannot create its -shm file in a read-only folder.
            return isWritableFolder(of: path) ? .cannotOpen(path: path) : .readOnly(path: path)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .damaged(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy(path: path)
        case .SQLITE_FULL:
            return .diskFull(path: path)
        default:
            return .database("\(path): \(sqlite.message ?? "SQLite error \(sqlite.resultCode.rawValue)")")
        }
    }

    /// Whether the folder that holds `path` accepts new files.
    private static func isWritableFolder(of path: String) -> Bool {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        return access(folder.isEmpty ? "/" : folder, W_OK) == 0
    }
}
