import ArgumentParser
import GrapevineCLI
import GrapevineCore
import GrapevineStore

struct CardRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove one value from a field of my card, keeping the others.",
        discussion: """
            VALUE must match one of the field's values exactly, as `grapevine card show` prints it. \
            Removing the last value clears the field. Like every change, the old value stays in the \
            history of nodes that saw it.

            Example:
              grapevine card remove email old@example.com
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "The field, for example email or categories.")
    var field: String

    @Argument(help: "The value to remove.")
    var value: String

    func run() throws {
        let spec = try CardEditing.field(field)
        let session = try options.open()
        var left = 0
        let entries = try session.editCard { card throws(CLIError) in
            let update = try CardEditing.removing(value, from: card[spec.name]?.values ?? [], spec: spec)
            left = update.values.count
            return [FieldEdit(field: spec.name, values: update.values, visibility: card[spec.name]?.visibility ?? .public)]
        }
        if output.json, let entry = entries.first(where: { $0.kind == .card }) {
            try session.printJSON(WriteJSON(entry: entry, target: nil))
        } else if left == 0 {
            session.context.print("removed \"\(value)\": \(spec.name) is now empty")
        } else {
            session.context.print("removed \"\(value)\": \(spec.name) now has \(left) value\(left == 1 ? "" : "s")")
        }
    }
}
