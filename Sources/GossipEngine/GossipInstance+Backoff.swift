extension GossipInstance {
    /// The wait between two sessions this node opens (PROTOCOL.md §12.4): the reconciliation
    /// interval, doubled for each session in a row that found the sets equal, up to
    /// `maxReconciliationBackoff` intervals. An idle group that agrees stops paying a session a
    /// second per node, and the first change brings the interval back.
    var reconciliationWait: UInt64 {
        let bound = UInt64(max(1, config.maxReconciliationBackoff))
        var factor: UInt64 = 1
        for _ in 0..<quietReconciliations where factor < bound { factor *= 2 }
        return config.reconciliationIntervalMillis * min(factor, bound)
    }

    /// A session of this node's ended with the sets equal at its opening: wait longer next time.
    mutating func noteQuietReconciliation() {
        if reconciliationWait < config.reconciliationIntervalMillis * UInt64(max(1, config.maxReconciliationBackoff)) {
            quietReconciliations += 1
        }
    }

    /// Something the sets depend on changed (an entry newly held or written, a member newly
    /// reachable, a session that found a difference): back to one interval at once, so the next
    /// session is never more than one interval away.
    mutating func reconciliationChanged() {
        quietReconciliations = 0
        nextReconcileAt = min(nextReconcileAt, now + config.reconciliationIntervalMillis)
    }
}
