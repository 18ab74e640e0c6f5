import Foundation

/// One node's log as it streams in (`grapevine run --log-level info`): the state it last logged
/// for each member (`info: member alive … peer=FINGERPRINT`), and since when all `expected`
/// members have been alive. The join is timed from these lines, as Serf's is from its agents'
/// `EventMemberJoin` lines (`SerfLog`): when the process said so, not when a poll of its files
/// next looked.
final class NodeLog: @unchecked Sendable {
    // @unchecked: every field is touched with `lock` held.
    private let lock = NSLock()
    private let expected: Int
    private var lines = StreamedLines()
    private var states: [String: Substring] = [:]
    private var aliveSince: Date?

    init(expected: Int) { self.expected = expected }

    func append(_ data: Data) {
        let now = Date()
        lock.withLock {
            for line in lines.append(data) { record(line, at: now) }
        }
    }

    private func record(_ line: Substring, at now: Date) {
        let prefix = "info: member "
        guard line.hasPrefix(prefix), let peer = line.range(of: " peer=") else { return }
        let state = line.dropFirst(prefix.count).prefix { $0 != " " }
        states[String(line[peer.upperBound...].prefix { $0 != " " })] = state
        let alive = states.values.filter { $0 == "alive" }.count
        if alive < expected {
            aliveSince = nil
        } else if aliveSince == nil {
            aliveSince = now
        }
    }

    /// Since when every expected member has been alive in this log, or nil while one is not.
    var allAliveSince: Date? { lock.withLock { aliveSince } }
}
