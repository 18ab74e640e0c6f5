import Foundation
import GrapevineCore

/// Notices that the store file a node opened is no longer the one at its path: deleted, or
/// replaced by another file. SQLite keeps writing to the file it has open, so without this the
/// node would go on gossiping from a store nobody else can see, and fail on every read of the
/// new one, while `status` looked healthy. The node checks on each housekeeping round and stops.
struct StoreFileWatch {
    /// The file as (device, inode): what identifies it, whatever its path.
    struct FileID: Equatable {
        let device: UInt64
        let inode: UInt64
    }

    let path: String
    let opened: FileID?

    init(path: String) {
        self.path = path
        self.opened = Self.fileID(path)
    }

    /// Why the store is lost, or nil while the path still names the file the node opened.
    func check() -> StoreFileLost? {
        guard let opened else { return nil }
        guard let current = Self.fileID(path) else { return StoreFileLost(path: path, replaced: false) }
        return current == opened ? nil : StoreFileLost(path: path, replaced: true)
    }

    private static func fileID(_ path: String) -> FileID? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }
}

/// The node stopped because its store file was deleted or replaced while it ran.
public struct StoreFileLost: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let replaced: Bool

    public var description: String {
        "the store \(path) was \(replaced ? "replaced by another file" : "deleted") while the node ran, "
            + "so the node stopped rather than write to a store that is gone: restore the file from a backup "
            + "(with its -wal file, if any) and run the node again, or run `grapevine init --recover` "
            + "to start a new store that your peers refill with your signed entries"
    }
}
