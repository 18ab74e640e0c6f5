import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Connections: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "List my connections: mutual ones, and those that wait for one side.",
        discussion: """
            mutual: both of us recorded the connection (only these count for `path` and \
            `introduce`). waiting for them: I connected, they have not connected back. waiting for \
            me: they connected to me; `grapevine connect FINGERPRINT` makes it mutual. Every \
            person is shown with their fingerprint and the warnings of `grapevine contacts`.

            Example:
              grapevine connections
              grapevine connections --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let session = try options.open()
        let lists = try session.reader.connections(of: session.me)
        let names = try session.resolver().names
        if output.json {
            try session.printJSON(ConnectionsJSON(lists, names: names))
            return
        }
        let groups = [("mutual", lists.mutual), ("waiting for them", lists.waitingForThem),
                      ("waiting for me", lists.waitingForMe)]
        let rows = groups.flatMap { state, identities in
            identities.map { identity in
                let person = names.person(identity)
                return [person.shownName, person.fingerprintCell, state]
            }
        }
        guard !rows.isEmpty else {
            session.context.print("no connections yet: `grapevine connect WHO` records one")
            return
        }
        session.context.print(TextTable(header: ["NAME", "FINGERPRINT", "CONNECTION"], rows: rows).text)
        if !lists.waitingForMe.isEmpty {
            session.context.print("connect back with `grapevine connect FINGERPRINT` to make one waiting for you mutual")
        }
    }
}
