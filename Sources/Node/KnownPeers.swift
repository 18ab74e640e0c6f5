import Foundation
import GossipEngine
import GrapevineCore

/// The peers a node verified, kept in `peers.json` in its home so a restarted node rejoins
/// without bootstrap arguments.
enum KnownPeers {
    struct Record: Codable, Equatable {
        var id: String
        var ip: String
        var port: UInt16
    }

    static func load(home: GrapevineHome) -> [KnownPeer] {
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
