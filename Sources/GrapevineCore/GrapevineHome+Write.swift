import Foundation

extension GrapevineHome {
    /// Replaces one of the home's files with `data` in one step (a temporary file renamed over
    /// it), readable by the owner only, so a reader never sees half a file.
    ///
    /// Not synced to disk: the files written so (`status.json`, `peers.json`) are snapshots that
    /// a running node rewrites, and the rename keeps the old file or the new one whole. A node
    /// rewrites them many times while it joins, and Foundation's atomic write (a second
    /// temporary file, an fsync, a chmod) made each rewrite block the node on the disk.
    public func writeAtomically(_ data: Data, to file: File) throws {
        let target = path(of: file)
        let temporary = target + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
        let complete = data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
        // A file left from an older version may be wider than owner-only: narrow it too.
        let narrowed = fchmod(descriptor, 0o600) == 0
        guard close(descriptor) == 0, complete, narrowed, rename(temporary, target) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
        }
    }

    /// The contents of one of the home's files, or nil if it is not there.
    public func contents(of file: File) -> Data? {
        FileManager.default.contents(atPath: path(of: file))
    }
}
