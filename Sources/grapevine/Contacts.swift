import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Contacts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "List the cards in the merged store.",
        discussion: """
            --search matches every word as a prefix in name, org, title, locality, bio and topics. \
            Names are chosen by their owners: one that another card also uses, or that looks like \
            the name of someone you connected to, is marked "shared name"; names that mix scripts \
            or hold hidden characters (shown escaped, as \\u{202E}) are marked too.

            Example:
              grapevine contacts
              grapevine contacts --search "marketing michigan"

            Connections-only fields are shown for the people who granted me their key; PRIVATE \
            counts the ones I cannot read. Search never finds words of a connections-only field.
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Option(name: .long, help: "Only the cards that match this text.")
    var search: String?

    func run() throws {
        let session = try options.open()
        let summaries = try session.openSummaries(try search.map { try session.reader.search($0) } ?? session.reader.contacts())
        let names = try session.resolver().names
        let people = summaries.map { summary in (summary, names.person(summary.identity)) }
        let rows = people.map { ContactJSON($0.0, person: $0.1) }
        if output.json {
            try session.printJSON(rows)
            return
        }
        guard !rows.isEmpty else {
            session.context.print(search == nil ? "no cards yet" : "no card matches \"\(search ?? "")\"")
            return
        }
        // The PRIVATE column appears only when some card has fields I cannot read.
        let anyPrivate = people.contains { $0.0.privateFields > 0 }
        let table = people.map { summary, person in
            [person.shownName, NameText.escaped(summary.org).text, NameText.escaped(summary.title).text,
             NameText.escaped(summary.locality).text]
                + (anyPrivate ? [summary.privateFields > 0 ? "(\(summary.privateFields) private)" : ""] : [])
                + [person.fingerprintCell]
        }
        let header = ["NAME", "ORG", "TITLE", "LOCALITY"] + (anyPrivate ? ["PRIVATE"] : []) + ["FINGERPRINT"]
        session.context.print(TextTable(header: header, rows: table).text)
    }
}
