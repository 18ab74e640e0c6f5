import GrapevineCLI
import Node

extension Status {
    /// The peers whose authenticated datagrams speak another protocol version, with what to do.
    /// Nothing is printed when there are none.
    static func printOtherVersions(_ status: NodeStatus, names: (String) -> String?, now: UInt64, context: CLIContext) {
        guard let others = status.otherVersions, !others.isEmpty else { return }
        context.print("")
        context.print("peers on another protocol version (this node speaks \(protocolVersion)); their datagrams are dropped:")
        var table: [[String]] = [["VERSION", "NAME", "FINGERPRINT", "ADDRESS", "LAST SEEN", "WHAT TO DO"]]
        for peer in others {
            let hint = peer.version < protocolVersion ? "they upgrade" : "upgrade this node"
            table.append(["\(peer.version)", names(peer.id) ?? "-", peer.fingerprint, peer.address,
                          ago(peer.lastSeenMillis, now: now), hint])
        }
        context.print(TextTable(rows: table).text)
    }

    /// The version this build speaks.
    static let protocolVersion = NodeStatus.protocolVersion
}
