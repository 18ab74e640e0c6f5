import ArgumentParser
import GossipEngine
import GrapevineCLI
import GrapevineCore
import Node

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the merged store: stats, digest, quarantine, rejections and entries set aside by reason, known peers.",
        discussion: """
            Two nodes whose digests are equal hold the same entries. Known peers are those this \
            home's node verified (peers.json), with when it last heard from each, according to its \
            last status snapshot.

            Example:
              grapevine inspect
              grapevine inspect --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let session = try options.open()
        let stats = InspectJSON(me: session.me, stats: try session.reader.stats())
        let peers = PeerJSON.known(home: session.home)
        if output.json {
            try session.printJSON(InspectReport(stats: stats, peers: peers))
            return
        }
        var rows: [[String]] = [
            ["home", session.home.path],
            ["id", session.me.text],
            ["digest", stats.digest],
            ["entries", "\(stats.entries)"],
        ]
        for kind in stats.entriesByKind.keys.sorted() {
            rows.append(["  " + kind, "\(stats.entriesByKind[kind] ?? 0)"])
        }
        rows += [
            ["authors", "\(stats.authors)"],
            ["pruned", "\(stats.pruned)"],
            ["quarantined", "\(stats.quarantined)"],
            ["rejected", "\(stats.rejections.values.reduce(0, +))"],
        ]
        for reason in stats.rejections.keys.sorted() {
            rows.append(["  " + reason, "\(stats.rejections[reason] ?? 0)"])
        }
        rows.append(["set aside", "\(stats.setAside.values.reduce(0, +))"])
        for reason in stats.setAside.keys.sorted() {
            rows.append(["  " + reason, "\(stats.setAside[reason] ?? 0)"])
        }
        rows.append(["known peers", "\(peers.count)"])
        session.context.print(TextTable(rows: rows).text)
        guard !peers.isEmpty else { return }
        let resolver = try session.resolver()
        let now = session.context.physicalMillis()
        var table: [[String]] = [["NAME", "FINGERPRINT", "ADDRESS", "STATE", "LAST SEEN"]]
        for peer in peers {
            table.append([resolver.name(of: peer.identity) ?? "-", peer.identity.fingerprint, peer.address,
                          peer.state ?? "-", Status.ago(peer.lastSeenMillis, now: now)])
        }
        session.context.print("")
        session.context.print(TextTable(rows: table).text)
    }

    /// One known peer in `inspect --json`, with what the node's last status snapshot said of it.
    struct PeerJSON: Encodable {
        var identity: PublicIdentity
        /// The verified address, `ip:port` or `[ip]:port`.
        var address: String
        /// The member's state in the last snapshot, if the snapshot lists it.
        var state: String?
        /// Unix milliseconds of the last authenticated datagram from this peer, if any.
        var lastSeenMillis: UInt64?

        /// The peers the node of `home` verified (`peers.json`), sorted by identity. The snapshot
        /// outlives the node, so this works whether or not the node runs.
        static func known(home: GrapevineHome) -> [PeerJSON] {
            let members = NodeStatus.read(home: home)?.members ?? []
            return KnownPeer.load(home: home)
                .sorted { $0.identity < $1.identity }
                .map { peer in
                    let member = members.first { $0.id == peer.identity.text }
                    return PeerJSON(identity: peer.identity, address: "\(peer.address)", state: member?.state,
                                    lastSeenMillis: member?.lastSeenMillis)
                }
        }

        // Absent values are written as null, so the shape is the same for every peer.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(identity.text, forKey: .id)
            try container.encode(identity.fingerprint, forKey: .fingerprint)
            try container.encode(address, forKey: .address)
            try container.encode(state, forKey: .state)
            try container.encode(lastSeenMillis, forKey: .lastSeenMillis)
        }

        enum CodingKeys: String, CodingKey {
            case id, fingerprint, address, state, lastSeenMillis
        }
    }

    /// `inspect --json`: the store's stats (`InspectJSON`, unchanged) plus `peers` at the same level.
    struct InspectReport: Encodable {
        var stats: InspectJSON
        var peers: [PeerJSON]

        func encode(to encoder: any Encoder) throws {
            try stats.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(peers, forKey: .peers)
        }

        enum CodingKeys: String, CodingKey {
            case peers
        }
    }
}
