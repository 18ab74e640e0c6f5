import ArgumentParser
import GrapevineCLI
import GrapevineCore
import GrapevineStore

struct CardAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Append a value to a multi-valued field of my card (email, tel, url, impp, categories).",
        discussion: """
            A field holds at most 8 values. Adds made at the same time (several commands, or a \
            running node) all land: each reads the field inside the store's write transaction.

            Example:
              grapevine card add email jeff@example.com --type work
              grapevine card add categories "lifelong learning"
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "The field: email, tel, url, impp or categories.")
    var field: String

    @Argument(help: "The value to append.")
    var value: String

    @Option(name: .long, help: "A vCard TYPE for the value, such as work, home or cell.")
    var type: String?

    @Option(name: .long, help: ArgumentHelp(
        "Who may read it: public (everyone) or connections (only my mutual connections; the network carries it sealed). Default: what the field has now, else connections for email and tel and public for the rest.",
        valueName: "public|connections"))
    var visibility: String?

    func run() throws {
        let spec = try CardEditing.field(field)
        let item = CardItem(value, type: try CardEditing.type(type))
        let asked = try CardEditing.visibility(visibility)
        let session = try options.open()
        var count = 0
        let entries = try session.editCard { card throws(CLIError) in
            let current = card[spec.name]?.values ?? []
            let chosen = CardEditing.visibility(asked, field: spec.name, current: card[spec.name])
            guard !current.contains(item) || chosen != card[spec.name]?.visibility else { return [] }
            let values = current.contains(item) ? current : try CardEditing.appending(item, to: current, spec: spec)
            count = values.count
            return [FieldEdit(field: spec.name, values: values, visibility: chosen)]
        }
        guard let entry = entries.first(where: { $0.kind == .card }) else {
            session.context.print("\(spec.name) already has \"\(value)\"; nothing changed")
            return
        }
        if output.json {
            try session.printJSON(WriteJSON(entry: entry, target: nil))
        } else {
            session.context.print("\(spec.name) now has \(count) value\(count == 1 ? "" : "s")")
        }
    }
}
