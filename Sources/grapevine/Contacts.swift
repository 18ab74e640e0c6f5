import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Contacts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the cards in the merged store.",
        discussion: """
            --search matches every word as a prefix in name, org, title, locality, bio and topics.

            Example:
              grapevine contacts
              grapevine contacts --search "marketing michigan"
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Option(name: .long, help: "Only the cards that match this text.")
    var search: String?

    func run() throws {
        let session = try options.open()
        let summaries = try search.map { try session.store.search($0) } ?? session.store.contacts()
        let rows = summaries.compactMap { summary -> ContactJSON? in
            guard let identity = try? PublicIdentity(parsing: summary.identity) else { return nil }
            return ContactJSON(summary, fingerprint: identity.fingerprint, me: identity == session.me)
        }
        if output.json {
            try session.printJSON(rows)
            return
        }
        guard !rows.isEmpty else {
            session.context.print(search == nil ? "no cards yet" : "no card matches \"\(search ?? "")\"")
            return
        }
        let table = rows.map { row in
            [row.name.isEmpty ? "(no name)" : row.name, row.org, row.title, row.locality, row.fingerprint + (row.me ? " (me)" : "")]
        }
        session.context.print(TextTable(header: ["NAME", "ORG", "TITLE", "LOCALITY", "FINGERPRINT"], rows: table).text)
    }
}
