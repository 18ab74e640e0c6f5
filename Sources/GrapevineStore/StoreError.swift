import GrapevineCore

/// Why a store operation failed. Each message says what happened and, where it helps, what to do.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// SQLite or the file system failed; the message is SQLite's.
    case database(String)
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
        case .corruptEntry(let id, let detail):
            return "stored entry \(id) is unreadable (\(detail)); the store was modified outside Grapevine"
        case .invalidLocalEntry(let error):
            return "cannot write this entry: \(error)"
        case .localWriteNotRetained(let outcome):
            return "the local entry was not retained (\(outcome)); check the system clock"
        }
    }
}
