import GossipEngine
import GrapevineCore

/// The messages a batch of directives sends, decoded, with where they go: what hand-driven
/// instance tests read.
func sentMessages(_ directives: [GossipDirective]) -> [(message: GossipMessage, to: PeerAddress, recipient: PublicIdentity)] {
    directives.compactMap {
        guard case .send(let bytes, let to, let recipient) = $0, let message = try? GossipMessage.decode(bytes) else { return nil }
        return (message, to, recipient)
    }
}

/// A datagram event carrying `message`, as the shell feeds one it opened.
func datagramEvent(_ message: GossipMessage, from source: PeerAddress, _ sender: PublicIdentity) -> GossipEvent {
    .datagram(message.encoded(), from: source, sender: sender)
}
