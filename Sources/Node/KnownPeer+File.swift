import Foundation
import GossipEngine
import GrapevineCore

/// `peers.json` in the home: the peers a node verified, so a restarted node rejoins without
/// bootstrap arguments, and `inspect` lists them whether or not the node runs.
extension KnownPeer {
    /// One line of `peers.json`.
    struct Record: Codable, Equatable {
        var id: String
        var ip: String
        var port: UInt16
    }

    /// The peers the node of `home` verified, as saved; empty if it never saved any.
    public static func load(home: GrapevineHome) -> [KnownPeer] {
        guard let data = home.contents(of: .peers),
              let records = try? JSONDecoder().decode([Record].self, from: data)
        else { return [] }
        return records.compactMap { record in
            guard let identity = try? PublicIdentity(parsing: record.id), let ip = IPText.parse(record.ip) else { return nil }
            return KnownPeer(identity: identity, address: PeerAddress(ip: ip, port: record.port))
        }
    }

    static func save(_ peers: [KnownPeer], home: GrapevineHome) throws {
        let records = peers.map { Record(id: $0.identity.text, ip: IPText.format($0.address.ip), port: $0.address.port) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try home.writeAtomically(try encoder.encode(records), to: .peers)
    }
}
