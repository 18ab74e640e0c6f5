import GrapevineCore
import GrapevineMerge

/// Range-based set reconciliation (A. Meyer, arXiv:2212.13567; negentropy) over held ids in
/// (stamp, id) order: a pure function from a received frame and the local index to the answer.
///
/// It keeps no session state: every frame names the ranges it covers, so a lost frame, a repeated
/// frame or a peer that vanishes costs only that part of the exchange, and the next session
/// redoes it (PROTOCOL.md §12).
public struct Reconciler: Sendable {
    public var branching: Int
    public var idListThreshold: Int
    /// Bytes of encoded ranges per frame: what the payload budget leaves after the message fields.
    public var rangeBudget: Int
    public var maxFramesPerAnswer: Int
    public var maxRounds: Int

    /// The bytes a reconciliation message needs besides its ranges: version, session, round,
    /// lower bound and the field headers, at their largest.
    public static let frameOverhead = 72

    public init(config: GossipConfig) {
        branching = max(2, config.reconciliationBranching)
        idListThreshold = max(1, config.idListThreshold)
        rangeBudget = max(128, config.payloadBudget - Self.frameOverhead)
        maxFramesPerAnswer = max(1, config.maxFramesPerAnswer)
        maxRounds = config.maxReconciliationRounds
    }

    /// What one received frame asks of this node.
    public struct Answer: Sendable, Equatable {
        /// Frames to send back to the peer (none when every range is settled).
        public var frames: [ReconcileFrame] = []
        /// Ids this node holds that the peer lacks: send these entries.
        public var have: [EntryID] = []
        /// Ids the peer holds that this node lacks: request these entries.
        public var need: [EntryID] = []
    }

    /// The opening frame: the fingerprint of the whole set, so equal sets settle in one round trip.
    public func opening(session: UInt64, index: ReconciliationIndex) -> ReconcileFrame {
        ReconcileFrame(session: session, round: 0, lower: .min,
                       ranges: [ReconcileRange(upper: .max, mode: .fingerprint(index.fingerprint.bytes))])
    }

    public func answer(_ frame: ReconcileFrame, index: ReconciliationIndex) -> Answer {
        var answer = Answer()
        var out: [ReconcileRange] = []
        var previous = frame.lower
        for range in frame.ranges {
            let lower = previous.bound
            let upper = range.upper.bound
            switch range.mode {
            case .skip:
                appendSkip(range.upper, to: &out)
            case .fingerprint(let theirs):
                if index.fingerprint(from: lower, to: upper).bytes == theirs {
                    appendSkip(range.upper, to: &out)
                } else {
                    out += split(from: previous, to: range.upper, index: index)
                }
            case .ids(let theirs):
                let mine = index.items(from: lower, to: upper).map(\.id)
                let (have, need) = Self.difference(mine: mine, theirs: theirs)
                answer.have += have
                answer.need += need
                appendSkip(range.upper, to: &out)
            }
            previous = range.upper
        }
        guard Int(frame.round) < maxRounds else { return answer }
        answer.frames = pack(out, session: frame.session, round: frame.round + 1, lower: frame.lower,
                             spanEnd: previous, index: index)
        return answer
    }

    /// A mismatched range from this side: its ids if few, else `branching` fingerprinted parts.
    private func split(from lowerWire: WireBound, to upperWire: WireBound, index: ReconciliationIndex) -> [ReconcileRange] {
        let lower = lowerWire.bound
        let upper = upperWire.bound
        let count = index.count(from: lower, to: upper)
        if count <= idListThreshold {
            return [ReconcileRange(upper: upperWire, mode: .ids(index.items(from: lower, to: upper).map(\.id)))]
        }
        var out: [ReconcileRange] = []
        var start = lower
        for cut in index.splitBounds(from: lower, to: upper, parts: branching) {
            let before = index.count(from: lower, to: cut)
            let below = index.bound(atOffset: before - 1, from: lower)
            let wire = WireBound(between: (below.stamp, below.id), and: (cut.stamp, cut.id))
            out.append(ReconcileRange(upper: wire, mode: .fingerprint(index.fingerprint(from: start, to: wire.bound).bytes)))
            start = wire.bound
        }
        out.append(ReconcileRange(upper: upperWire, mode: .fingerprint(index.fingerprint(from: start, to: upper).bytes)))
        return out
    }

    private func appendSkip(_ upper: WireBound, to out: inout [ReconcileRange]) {
        if let last = out.last, last.mode == .skip {
            out[out.count - 1].upper = upper
        } else {
            out.append(ReconcileRange(upper: upper, mode: .skip))
        }
    }

    /// Cuts the answer into frames of at most `rangeBudget` bytes of ranges. Settled ranges at a
    /// frame's edges are left out (a frame may start anywhere); past `maxFramesPerAnswer` frames,
    /// the rest of the span goes as one fingerprint range, which the next round splits again.
    private func pack(_ ranges: [ReconcileRange], session: UInt64, round: UInt32, lower: WireBound,
                      spanEnd: WireBound, index: ReconciliationIndex) -> [ReconcileFrame] {
        var frames: [ReconcileFrame] = []
        var current = ReconcileFrame(session: session, round: round, lower: lower, ranges: [])
        var used = 0
        var previousStamp = lower.stamp
        let reserve = 1 + 10 + EntryID.length + 16
        func close() {
            while let last = current.ranges.last, last.mode == .skip { current.ranges.removeLast() }
            if !current.ranges.isEmpty { frames.append(current) }
        }
        for range in ranges {
            if current.ranges.isEmpty, range.mode == .skip {
                current.lower = range.upper
                previousStamp = range.upper.stamp
                continue
            }
            let size = ReconcileFrame.encodedSize(of: range, after: previousStamp)
            let isLast = frames.count == maxFramesPerAnswer - 1
            let budget = isLast ? rangeBudget - reserve : rangeBudget
            if used + size > budget, !current.ranges.isEmpty {
                let cut = current.ranges[current.ranges.count - 1].upper
                if isLast {
                    let rest = index.fingerprint(from: cut.bound, to: spanEnd.bound).bytes
                    current.ranges.append(ReconcileRange(upper: spanEnd, mode: .fingerprint(rest)))
                    frames.append(current)
                    return frames
                }
                close()
                current = ReconcileFrame(session: session, round: round, lower: cut, ranges: [])
                used = 0
                previousStamp = cut.stamp
                if range.mode == .skip {
                    current.lower = range.upper
                    previousStamp = range.upper.stamp
                    continue
                }
            }
            current.ranges.append(range)
            used += ReconcileFrame.encodedSize(of: range, after: previousStamp)
            if !range.upper.isMax { previousStamp = range.upper.stamp }
        }
        close()
        return frames
    }

    /// Sorted-merge difference of two id lists that each hold distinct ids.
    static func difference(mine: [EntryID], theirs: [EntryID]) -> (have: [EntryID], need: [EntryID]) {
        let theirSet = Set(theirs)
        let mySet = Set(mine)
        return (mine.filter { !theirSet.contains($0) }, theirs.filter { !mySet.contains($0) })
    }
}
