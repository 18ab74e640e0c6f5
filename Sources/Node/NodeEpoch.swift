import Foundation
import GrapevineCore

/// The boot epoch of sealed datagrams (PROTOCOL.md §10.2): strictly above every epoch this home
/// used before, even if the wall clock stepped back, so peers never take a restarted node's
/// datagrams for stale replays.
enum NodeEpoch {
    static func next(home: GrapevineHome, nowMillis: UInt64) -> UInt64 {
        let path = home.path(of: .epoch)
        let previous = FileManager.default.contents(atPath: path)
            .flatMap { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
            .flatMap(UInt64.init) ?? 0
        let epoch = max(nowMillis, previous + 1)
        FileManager.default.createFile(atPath: path, contents: Data("\(epoch)\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        return epoch
    }
}
