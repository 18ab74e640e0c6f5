import Foundation
import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct CardShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show my card, or the card of WHO.",
        discussion: """
            WHO is me, an identity or fingerprint, a unique prefix of either, or a unique display name.

            Example:
              grapevine card show
              grapevine card show Kristina --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "Whose card (default: mine).")
    var who: String?

    func run() throws {
        let session = try options.open()
        let resolver = try session.resolver()
        let identity = try who.map { try resolver.resolve($0).identity } ?? session.me
        let fields = CardEditing.values(of: try session.store.card(identity))
        if output.json {
            try session.printJSON(CardJSON(id: identity, fields: fields))
            return
        }
        session.context.print(resolver.names.label(identity))
        session.context.print(identity.text)
        let rows = CardFields.all.flatMap { spec -> [[String]] in
            (fields[spec.name] ?? []).enumerated().map { index, item in
                [index == 0 ? spec.name : "",
                 NameText.escaped(item.value.replacingOccurrences(of: "\n", with: " ⏎ ")).text
                    + (item.type.isEmpty ? "" : " (\(item.type))")]
            }
        }
        if rows.isEmpty {
            session.context.print("the card is empty: set fields with `grapevine card set FIELD VALUE`")
        } else {
            session.context.print(TextTable(rows: rows).text)
        }
    }
}
