import GrapevineCore

extension NodeDriver {
    /// A command woke the node over its socket (`NodeWakeup`): it reads the outbox now, or
    /// writes a fresh status snapshot now. The timed outbox poll then starts over, so a node
    /// that is woken for every write never polls as well.
    func wake(_ reason: NodeWakeup.Reason) -> [OutgoingDatagram] {
        switch reason {
        case .outbox:
            nextOutboxPoll = now + options.outboxPollMillis
            return pollOutbox()
        case .status:
            writeStatus(force: true)
            return []
        }
    }
}
