import Foundation

/// A process's output as it streams in, cut into whole lines; a partial line waits for the rest.
struct StreamedLines {
    private var pending = ""

    mutating func append(_ data: Data) -> [Substring] {
        pending += String(decoding: data, as: UTF8.self)
        guard let last = pending.lastIndex(of: "\n") else { return [] }
        let complete = pending[..<last]
        pending = String(pending[pending.index(after: last)...])
        return complete.split(separator: "\n", omittingEmptySubsequences: false)
    }
}
