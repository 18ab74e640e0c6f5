import ArgumentParser
import GrapevineCLI
import GrapevineCore
import GrapevineStore

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
              grapevine card set title "Loom builder" --visibility connections

            A connections-only field is sealed under my card key, which my mutual connections hold. \
            Someone I disconnect from cannot read what I set afterwards, but keeps what they read before.
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "The field, for example fn, title, email.")
    var field: String

    @Argument(help: "The new value.")
    var value: String

    @Option(name: .long, help: "A vCard TYPE for the value, such as work, home or cell.")
    var type: String?

    @Option(name: .long, help: ArgumentHelp(
        "Who may read it: public (everyone) or connections (only my mutual connections; the network carries it sealed). Default: what the field has now, else connections for email and tel and public for the rest.",
        valueName: "public|connections"))
    var visibility: String?

    func run() throws {
        let spec = try CardEditing.field(field)
        try NameText.checkOwnName(field: spec.name, value: value)
        let item = CardItem(value, type: try CardEditing.type(type))
        let asked = try CardEditing.visibility(visibility)
        let session = try options.open()
        var chosen = FieldVisibility.public
        let entries = try session.editCard { card throws(CLIError) in
            chosen = CardEditing.visibility(asked, field: spec.name, current: card[spec.name])
            return [FieldEdit(field: spec.name, values: [item], visibility: chosen)]
        }
        guard let entry = entries.first(where: { $0.kind == .card }) else { return }
        if output.json {
            try session.printJSON(WriteJSON(entry: entry, target: nil))
        } else {
            session.context.print("\(spec.name) set" + (chosen == .connections ? ", for connections only" : ""))
        }
    }
}
