import Foundation
import GrapevineCore

extension NodeDriver {
    /// Writes `status.json` when what it shows changed since the last write, or when asked
    /// (`force`: `grapevine status` woke the node, or the node stops). Checked every
    /// `statusCheckMillis`, and within `statusPromptMillis` of a membership change, so a member
    /// joining or failing shows at once; building the snapshot costs no I/O, but strings.
    func writeStatus(force: Bool) {
        let status = statusSnapshot()
        guard statusFile.needsWrite(status, force: force) else { return }
        do {
            try status.write(home: home)
            statusFile.didWrite(status)
        } catch {
            logger.warning("could not write status.json", metadata: ["error": "\(error)"])
        }
    }

    /// A member changed state: look at the snapshot soon rather than at the next regular check.
    func statusChanged() {
        nextStatusCheck = min(nextStatusCheck, timerNow + options.statusPromptMillis)
    }

    /// What `grapevine status` shows, as of now.
    func statusSnapshot() -> NodeStatus {
        counters.addressesIgnored = Dictionary(uniqueKeysWithValues: engine.ignoredAddresses.map { ($0.key.rawValue, $0.value) })
        let members = engine.membership.map { change in
            let attempts = change.report == .unreachable ? engine.verificationAttempts(of: change.member) : nil
            return NodeStatus.MemberSnapshot(
                id: change.member.text, fingerprint: change.member.fingerprint, state: change.report.rawValue,
                incarnation: change.incarnation, address: change.verified.map { "\($0)" },
                path: change.verified == nil ? nil : change.path.rawValue,
                lastSeenMillis: lastSeen.peek(change.member), tried: attempts.map { $0.addresses.map { "\($0)" } },
                triedSinceMillis: attempts?.firstTriedAt, forgetAtMillis: attempts?.forgetAt)
        }
        return NodeStatus(
            pid: getpid(), identity: identity.text, listen: listenDescription,
            advertised: advertised.map { "\($0)" }, startedMillis: startedMillis, writtenMillis: now,
            members: members, otherVersions: otherVersions.listing, counters: counters, digest: reader.digest.hex,
            entries: reader.retainedCount, reachability: NodeStatus.Reachability(engine.reachability),
            discovery: discoveryStatus(), relay: relayStatus())
    }
}
