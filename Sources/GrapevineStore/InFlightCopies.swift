/// The entries of the datagrams in flight, by (id, signature) fingerprint, so that each pair is
/// decoded and verified once however many peers send it at the same moment.
///
/// Gossip brings each entry from several peers within a few rounds, and under load the copies
/// meet their first arrival on its way to the store. A copy finds the first arrival in one of
/// three places:
/// - **checked, awaiting its commit:** the copy takes that result at once;
/// - **being checked** by an earlier datagram: the copy's datagram waits until that check is
///   done, then takes its result. A datagram only waits on earlier ones, so nothing waits in a
///   cycle, and every fingerprint being checked is resolved when its check ends;
/// - **nowhere:** the datagram checks it itself, and later copies wait on it.
///
/// Only entries whose envelope the probe read have a fingerprint, and such an envelope is the
/// body and the signature canonically framed and nothing else: two copies with one fingerprint
/// are the same bytes, and a check's verdict, a refusal included, stands for every copy.
///
/// A value type with no clock and no thread: ``IngestPipeline`` calls it with its lock held.
struct InFlightCopies<Tag: Sendable> {
    /// A datagram with what is known of its entries so far, by index in the datagram.
    struct Datagram: Sendable {
        var probed: Ingestor.ProbedBatch
        var known: [Int: CheckedEntry]
        var tag: Tag
        /// Whether any entry still needs decoding and verifying once nothing is awaited.
        var needsCheck: Bool {
            known.count + probed.held.filter { $0 }.count < probed.entries.count
        }
    }

    /// What a datagram does on admission.
    enum Admission {
        /// Check it now (or, if ``Datagram/needsCheck`` is false, enqueue it as it is).
        case ready(Datagram)
        /// It waits for earlier checks; ``checked(_:items:)`` hands it back.
        case waiting
    }

    private struct Waiting {
        var datagram: Datagram
        /// Entries awaiting another datagram's check: index → fingerprint.
        var awaited: [Int: UInt64]
    }

    /// Verified entries whose batch has not committed yet.
    private(set) var awaitingCommit: [UInt64: CheckedEntry] = [:]
    /// Fingerprints that a datagram admitted earlier will check.
    private var beingChecked: Set<UInt64> = []
    /// Datagrams that wait, by admission number.
    private var waiting: [Int: Waiting] = [:]
    /// The waiting datagrams by the fingerprints they await, in admission order.
    private var waiters: [UInt64: [Int]] = [:]
    private var admitted = 0

    /// The number of datagrams waiting for another's check.
    var waitingCount: Int { waiting.count }

    /// Sorts a datagram's entries that the store does not hold: known, awaited, or its own to check.
    mutating func admit(_ probed: Ingestor.ProbedBatch, tag: Tag) -> Admission {
        var known: [Int: CheckedEntry] = [:]
        var awaited: [Int: UInt64] = [:]
        var own: Set<UInt64> = []
        for (index, probe) in probed.probes.enumerated() where !probed.held[index] {
            guard let fingerprint = probe?.fingerprint else { continue }
            if let item = awaitingCommit[fingerprint] {
                known[index] = item
            } else if own.contains(fingerprint) {
                continue
            } else if beingChecked.contains(fingerprint) {
                awaited[index] = fingerprint
            } else {
                own.insert(fingerprint)
            }
        }
        beingChecked.formUnion(own)
        let datagram = Datagram(probed: probed, known: known, tag: tag)
        guard !awaited.isEmpty else { return .ready(datagram) }
        admitted += 1
        waiting[admitted] = Waiting(datagram: datagram, awaited: awaited)
        for fingerprint in Set(awaited.values) { waiters[fingerprint, default: []].append(admitted) }
        return .waiting
    }

    /// Records a datagram's check (`items`, one per entry, in order) and returns the waiting
    /// datagrams that await nothing more, in the order they were admitted.
    mutating func checked(_ datagram: Datagram, items: [CheckedEntry]) -> [Datagram] {
        var resolved: [UInt64: CheckedEntry] = [:]
        for (index, item) in items.enumerated()
        where index < datagram.probed.held.count && !datagram.probed.held[index] && datagram.known[index] == nil {
            guard let fingerprint = datagram.probed.probes[index]?.fingerprint else { continue }
            beingChecked.remove(fingerprint)
            if case .verified = item { awaitingCommit[fingerprint] = item }
            if !waiting.isEmpty { resolved[fingerprint] = item }
        }
        guard !resolved.isEmpty else { return [] }
        var touched: Set<Int> = []
        for (fingerprint, result) in resolved {
            guard let numbers = waiters.removeValue(forKey: fingerprint) else { continue }
            for number in numbers {
                guard var entry = waiting[number] else { continue }
                for (index, awaited) in entry.awaited where awaited == fingerprint {
                    entry.awaited[index] = nil
                    entry.datagram.known[index] = result
                }
                waiting[number] = entry
                touched.insert(number)
            }
        }
        return touched.sorted().compactMap { number in
            guard let entry = waiting[number], entry.awaited.isEmpty else { return nil }
            waiting[number] = nil
            return entry.datagram
        }
    }

    /// Forgets the verified entries of a committed batch: the held fingerprints have them now.
    mutating func committed(_ items: [CheckedEntry]) {
        for case .verified(let entry) in items {
            awaitingCommit[HeldSignatures.fingerprint(entry.id, signature: entry.signature)] = nil
        }
    }
}
