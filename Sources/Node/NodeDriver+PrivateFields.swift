import GrapevineCore
import GrapevineStore

/// The node's part in private card fields (PROTOCOL.md §5.9.5, §5.9.6): a connection can become
/// mutual, or stop being one, by an edge another node wrote, so the node keeps my grants in step
/// as such edges arrive, and remembers the keys granted to me so older values stay readable.
/// What it writes goes through the outbox like every local entry.
extension NodeDriver {
    /// Follows what `merged` changes: an edge aimed at me, or a grant addressed to me.
    func followPrivateFields(_ merged: [SignedEntry]) {
        let me = identity
        let edgeToMe = merged.contains { entry in
            if case .edge(let edge) = entry.content { return edge.target == me }
            return false
        }
        let grantToMe = merged.contains { entry in
            if case .grant(let grant) = entry.content { return grant.recipient == me && !grant.isEmpty }
            return false
        }
        if edgeToMe { keepGrantsInStep() }
        if grantToMe { learnGrantedKeys() }
    }

    /// At start: what changed while the node was not running.
    func catchUpPrivateFields() {
        keepGrantsInStep()
        learnGrantedKeys()
    }

    private func keepGrantsInStep() {
        do {
            let written = try store.maintainGrants(signingKey: signingKey, physicalMillis: now)
            if !written.isEmpty {
                logger.info("card key grants updated", metadata: ["entries": "\(written.count)"])
                // Queued in the outbox like a command's writes: sent on at the next tick.
                nextOutboxPoll = now
            }
        } catch {
            logger.error("updating card key grants failed", metadata: ["error": "\(error)"])
        }
    }

    private func learnGrantedKeys() {
        do {
            try store.learnGrantedKeys(signingKey: signingKey, physicalMillis: now)
        } catch {
            logger.error("remembering granted card keys failed", metadata: ["error": "\(error)"])
        }
    }
}
