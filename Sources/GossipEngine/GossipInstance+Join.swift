extension GossipInstance {
    /// A member's address was just verified. Its host now runs Grapevine, so members there that
    /// the per-host limit held back this probe interval are pinged at once (PROTOCOL.md §11.3).
    /// A member newly reachable is a change for reconciliation; when it is the first one (this
    /// node just joined), the session with it opens at once rather than at the next interval, and
    /// brings the group's endpoint entries in its first exchanges (PROTOCOL.md §12.4).
    mutating func verifiedNewly(host: [UInt8], joining: Bool) {
        if verifiedHosts.insert(host).inserted, let waiting = heldBack.removeValue(forKey: host) {
            for slot in waiting { verify(slot) }
        }
        reconciliationChanged()
        if joining { nextReconcileAt = now }
    }
}
