import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the identity and store in the home, and set my card's name.",
        discussion: """
            Refuses to overwrite an existing identity: a home holds one identity for ever.

            Example:
              grapevine init --name "Kevin Bacon"
              grapevine --home /tmp/jeff init --name Jeff
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Option(name: .long, help: "My display name, stored as my card's fn field.")
    var name: String?

    func run() throws {
        if let name, !name.isEmpty { try NameText.checkOwnName(field: "fn", value: name) }
        let session = try HomeSession.create(home: options.resolvedHome, context: options.context, logger: options.logger)
        if let name, !name.isEmpty {
            try session.write(.card(CardUpdate(field: "fn", values: [CardItem(name)])))
        }
        if output.json {
            try session.printJSON(IdentityJSON(id: session.me, home: session.home))
            return
        }
        session.context.print("created identity in \(session.home.path)")
        session.context.print(TextTable(rows: [
            ["id", session.me.text], ["fingerprint", session.me.fingerprint],
        ] + (name.map { [["name", $0]] } ?? [])).text)
    }
}
