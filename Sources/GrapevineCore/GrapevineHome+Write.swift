import Foundation

extension GrapevineHome {
    /// Replaces one of the home's files with `data` in one step (a temporary file renamed over
    /// it), readable by the owner only, so a reader never sees half a file.
    public func writeAtomically(_ data: Data, to file: File) throws {
        let target = path(of: file)
        let temporary = target + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]),
              rename(temporary, target) == 0
        else { throw CocoaError(.fileWriteUnknown) }
    }

    /// The contents of one of the home's files, or nil if it is not there.
    public func contents(of file: File) -> Data? {
        FileManager.default.contents(atPath: path(of: file))
    }
}
