import GrapevineCore

/// The reconciliation session this node opened, kept so that a lost datagram costs a re-send
/// rather than the session (PROTOCOL.md §12.4). At 50% loss a session of six datagrams in a row
/// would otherwise complete once in 64 tries.
///
/// Only the initiator keeps state; the peer answers every frame from its store alone, and answers
/// an initiator's frame that settles everything with an empty frame, so silence always means loss.
struct ReconcileSession {
    /// A frame this node sent and has not yet seen answered.
    struct Pending {
        let frame: ReconcileFrame
        /// The frame covers `[frame.lower, end)`: an answer to it starts in that span.
        let end: WireBound
    }

    let session: UInt64
    let peer: PublicIdentity
    let address: PeerAddress
    var pending: [Pending] = []
    /// Ids this node asked the peer for in this session and does not hold yet.
    var requested: [EntryID] = []
    /// Frames of the peer already answered, by (round, lower): a re-send that crossed a slow
    /// answer brings a second copy, which is not answered again.
    var answered: [(round: UInt32, lower: WireBound)] = []
    /// Re-sends since the peer last answered; the budget of §12.4 is for each silence.
    var resends = 0
    /// Whether anything of the session was re-sent: its answers then no longer time a round
    /// trip (Karn's rule: an answer could be to either copy).
    var resent = false
    /// When this node last sent the session something; an answer before any re-send measures
    /// the round trip.
    var sentAt: UInt64
    var deadline: UInt64

    init(session: UInt64, peer: PublicIdentity, address: PeerAddress, now: UInt64, deadline: UInt64) {
        self.session = session
        self.peer = peer
        self.address = address
        self.sentAt = now
        self.deadline = deadline
    }

    var isOpen: Bool { !pending.isEmpty || !requested.isEmpty }

    mutating func add(_ frame: ReconcileFrame) {
        let end = frame.ranges.last?.upper ?? frame.lower
        pending.append(Pending(frame: frame, end: end))
    }

    /// Whether `frame` from `sender` belongs to this session and has not been answered yet. An
    /// answer of this node's round r is a frame of round r + 1 starting inside a pending frame's
    /// span; that pending frame is then settled.
    mutating func accept(_ frame: ReconcileFrame, from sender: PublicIdentity) -> Bool {
        guard sender == peer, frame.session == session, frame.round % 2 == 1 else { return false }
        guard !answered.contains(where: { $0.round == frame.round && $0.lower == frame.lower }) else { return false }
        answered.append((frame.round, frame.lower))
        pending.removeAll {
            $0.frame.round + 1 == frame.round && $0.frame.lower.bound <= frame.lower.bound
                && (frame.lower.bound < $0.end.bound || frame.lower == $0.frame.lower)
        }
        return true
    }
}
