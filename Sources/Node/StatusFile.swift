import GrapevineCore

/// Decides when `status.json` is written: when what it shows changed, not on a clock. Traffic
/// counters, last-seen times and the snapshot's own time change with every probe, so they ride
/// along with the next write rather than cause one; `grapevine status` asks the node for a fresh
/// snapshot over its wake-up socket (`NodeWakeup`), and the home's lock, not the snapshot's age,
/// says whether the node runs (`NodeStatus.isLive`). An idle node writes nothing.
struct StatusFile {
    private var written: NodeStatus?
    /// Snapshots written so far.
    private(set) var writes = 0

    /// Whether `status` must be written: the first one, one asked for (`force`), or one that
    /// differs from the last written in more than the fields that change with every probe.
    func needsWrite(_ status: NodeStatus, force: Bool) -> Bool {
        guard !force, let written else { return true }
        return Self.shown(status) != Self.shown(written)
    }

    mutating func didWrite(_ status: NodeStatus) {
        written = status
        writes += 1
    }

    /// The snapshot less what changes with every datagram.
    static func shown(_ status: NodeStatus) -> NodeStatus {
        var shown = status
        shown.writtenMillis = 0
        shown.counters.datagramsIn = 0
        shown.counters.datagramsOut = 0
        shown.counters.bytesIn = 0
        shown.counters.bytesOut = 0
        shown.members = status.members.map { member in
            var member = member
            member.lastSeenMillis = nil
            return member
        }
        return shown
    }
}
