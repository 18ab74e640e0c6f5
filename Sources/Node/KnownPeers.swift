import Foundation
import GossipEngine
import GrapevineCore

/// The peers a node verified, kept in `peers.json` in its home so a restarted node rejoins
/// without bootstrap arguments.
enum KnownPeers {
    static let fileName = "peers.json"

    struct Record: Codable, Equatable {
        var id: String
        var ip: String
        var port: UInt16
    }

    static func load(home: GrapevineHome) -> [KnownPeer] {
        guard let data = FileManager.default.contents(atPath: home.path + "/" + fileName),
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
        let path = home.path + "/" + fileName
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: try encoder.encode(records),
                                             attributes: [.posixPermissions: 0o600]),
              rename(temporary, path) == 0
        else { throw CocoaError(.fileWriteUnknown) }
    }
}
