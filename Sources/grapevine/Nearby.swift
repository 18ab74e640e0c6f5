import ArgumentParser
import GrapevineCLI
import GrapevineCore
import GrapevineStore
import Node

struct Nearby: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nearby",
        abstract: "List the people whose nodes announced themselves on this network in the last minutes.",
        discussion: """
            Needs this home's node running with `grapevine run --discover`. Each person is shown \
            with their fingerprint (names are chosen by their owners: compare it before you connect), \
            when their node was last heard, and whether we are connected. A name appears once their \
            card has reached this node. `grapevine connect FINGERPRINT` (or the name) connects as to anyone. \
            Exits 1 when no node runs for this home, or it runs without --discover.

            Example:
              grapevine nearby
              grapevine nearby --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let session = try options.open()
        let now = session.context.physicalMillis()
        guard let status = NodeStatus.read(home: session.home), status.isLive(home: session.home) else {
            throw CLIError("no node is running for \(session.home.path): start one with `grapevine run --discover`",
                           exitCode: 1)
        }
        guard let discovery = status.discovery else {
            throw CLIError("this home's node runs without discovery: restart it with `grapevine run --discover`",
                           exitCode: 1)
        }
        let lists = try session.reader.connections(of: session.me)
        let names = try session.resolver().names
        let heard = discovery.nearby.compactMap { peer in names.person(text: peer.id).map { (person: $0, peer: peer) } }
        let found = heard.map { NearbyJSON.Person($0.person, $0.peer, connection: Self.connection($0.person.identity, lists)) }
        if output.json {
            try session.printJSON(NearbyJSON(discovery: discovery.groups, nearby: found))
            return
        }
        guard !found.isEmpty else {
            session.context.print("nobody nearby yet: discovery is on (\(discovery.line))")
            return
        }
        let rows = zip(heard, found).map { heard, json in
            [heard.person.shownName, heard.person.fingerprintCell, Status.ago(json.lastSeenMillis, now: now), json.connection]
        }
        session.context.print(TextTable(header: ["NAME", "FINGERPRINT", "LAST HEARD", "CONNECTION"], rows: rows).text)
        if found.contains(where: { $0.connection != "mutual" }) {
            session.context.print("connect with `grapevine connect FINGERPRINT`; it is mutual once they connect back")
        }
    }

    static func connection(_ identity: PublicIdentity, _ lists: ConnectionLists) -> String {
        if lists.mutual.contains(identity) { return "mutual" }
        if lists.waitingForThem.contains(identity) { return "waiting for them" }
        if lists.waitingForMe.contains(identity) { return "waiting for me" }
        return "none"
    }
}

/// `nearby --json`: the groups discovery listens on, and who was heard, most recent first.
struct NearbyJSON: Encodable {
    struct Person: Encodable {
        var id: String
        var fingerprint: String
        var name: String
        var flags: [String]
        var firstSeenMillis: UInt64
        var lastSeenMillis: UInt64
        var source: String
        /// `mutual`, `waiting for them`, `waiting for me` or `none`.
        var connection: String

        init(_ person: ShownPerson, _ peer: DiscoveryStatus.Peer, connection: String) {
            let json = PersonJSON(person)
            id = json.id
            fingerprint = json.fingerprint
            name = json.name
            flags = json.flags
            firstSeenMillis = peer.firstSeenMillis
            lastSeenMillis = peer.lastSeenMillis
            source = peer.source
            self.connection = connection
        }
    }

    var discovery: String
    var nearby: [Person]
}
