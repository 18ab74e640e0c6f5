import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct CardSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set a field of my card to one value, replacing what it held.",
        discussion: """
            `n` is the structured name Family;Given;Additional;Prefixes;Suffixes, as in vCard.

            Example:
              grapevine card set fn "Jeff"
              grapevine card set locality "Traverse City"
              grapevine card set tel "+1 231 555 0100" --type cell
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "The field, for example fn, title, email.")
    var field: String

    @Argument(help: "The new value.")
    var value: String

    @Option(name: .long, help: "A vCard TYPE for the value, such as work, home or cell.")
    var type: String?

    func run() throws {
        let spec = try CardEditing.field(field)
        try NameText.checkOwnName(field: spec.name, value: value)
        let item = CardItem(value, type: try CardEditing.type(type))
        let session = try options.open()
        let entry = try session.write(.card(CardUpdate(field: spec.name, values: [item])))
        if output.json {
            try session.printJSON(WriteJSON(entry: entry, target: nil))
        } else {
            session.context.print("\(spec.name) set")
        }
    }
}
