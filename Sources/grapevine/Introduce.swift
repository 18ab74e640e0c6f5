import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Introduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Introduce two of my contacts to each other.",
        discussion: """
            Each of them can then `grapevine accept` or `grapevine decline` the introduction. Both \
            resolved fingerprints are printed: check them when you used names.

            Example:
              grapevine introduce Jennifer Kristina --note "You both write about learning"
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "The first person.")
    var whoA: String

    @Argument(help: "The second person.")
    var whoB: String

    @Option(name: .long, help: "A short note for both (at most 280 bytes).")
    var note: String = ""

    func run() throws {
        let session = try options.open()
        let resolver = try session.resolver()
        let a = try resolver.resolve(whoA, role: "WHO_A").identity
        let b = try resolver.resolve(whoB, role: "WHO_B").identity
        guard a != session.me, b != session.me else {
            throw CLIError("an introduction names two people other than you: to meet someone, ask a contact to introduce you")
        }
        guard a != b else { throw CLIError("WHO_A and WHO_B are the same person: name two different people") }
        let entry = try session.write(.introduction(IntroductionInfo(a: a, b: b, note: note)))
        if output.json {
            try session.printJSON(WriteJSON(entry: entry, target: nil))
            return
        }
        session.context.print("introduced \(session.describe(a, resolver)) to \(session.describe(b, resolver))")
        session.context.print("introduction \(entry.id.hex)")
    }
}
