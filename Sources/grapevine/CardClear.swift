import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct CardClear: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Clear a field of my card.",
        discussion: """
            The cleared value stays in the history of nodes that saw it: nothing is ever deleted.

            Example:
              grapevine card clear tel
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "The field to clear.")
    var field: String

    func run() throws {
        let spec = try CardEditing.field(field)
        let session = try options.open()
        let entry = try session.write(.card(CardUpdate(field: spec.name, values: [])))
        if output.json {
            try session.printJSON(WriteJSON(entry: entry, target: nil))
        } else {
            session.context.print("\(spec.name) cleared")
        }
    }
}
