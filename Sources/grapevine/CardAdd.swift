import ArgumentParser
import GrapevineCLI
import GrapevineCore

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

    func run() throws {
        let spec = try CardEditing.field(field)
        let item = CardItem(value, type: try CardEditing.type(type))
        let session = try options.open()
        var count = 0
        let entries = try session.editCard { card throws(CLIError) in
            let current = card[spec.name] ?? []
            guard !current.contains(item) else { return [] }
            let values = try CardEditing.appending(item, to: current, spec: spec)
            count = values.count
            return [CardUpdate(field: spec.name, values: values)]
        }
        guard let entry = entries.first else {
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
