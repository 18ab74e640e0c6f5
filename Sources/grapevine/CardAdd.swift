import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct CardAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Append a value to a multi-valued field of my card (email, tel, url, impp, categories).",
        discussion: """
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
        let current = CardEditing.values(of: try session.store.card(session.me))[spec.name] ?? []
        if current.contains(item) {
            session.context.print("\(spec.name) already has \"\(value)\"; nothing changed")
            return
        }
        let values = try CardEditing.appending(item, to: current, spec: spec)
        let entry = try session.write(.card(CardUpdate(field: spec.name, values: values)))
        if output.json {
            try session.printJSON(WriteJSON(entry: entry, target: nil))
        } else {
            session.context.print("\(spec.name) now has \(values.count) value\(values.count == 1 ? "" : "s")")
        }
    }
}
