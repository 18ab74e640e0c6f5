import Foundation
import GRDB
import GrapevineCore

/// The store's read model: every query the CLI, the node's status and the engine's answers ask,
/// each returning domain values (`ContactSummary`, `CardDetail`, `PathResult`, `PublicIdentity`,
/// …), never text or JSON.
///
/// It cannot write: it holds the pool only as GRDB's `AnyDatabaseReader`, whose connections are
/// opened read-only by SQLite (a write throws `SQLITE_READONLY`) and which hides the pool's
/// write methods, so no cast gets them back. What only the write core's memory answers fast (a
/// shortest path, a replacement key's winner, the digest and the held index) it asks through
/// ``StoreMirror``, which offers answers and nothing else. The write core (``Store``: the
/// transaction, merge, persistence and outbox) hands it out as ``Store/reader``.
public struct StoreReader: Sendable {
    /// The store file, for errors in the user's terms.
    public let path: String
    let database: AnyDatabaseReader
    /// The merge core's index, digest and count as of the last commit.
    let published: PublishedState
    let mirror: any StoreMirror

    init(path: String, database: AnyDatabaseReader, published: PublishedState, mirror: any StoreMirror) {
        self.path = path
        self.database = database
        self.published = published
        self.mirror = mirror
    }

    /// Runs `body` on one consistent snapshot of a reader connection; SQLite's errors become the
    /// store's, naming the file.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }
}
