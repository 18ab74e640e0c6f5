import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Connect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Record my connection to someone I already know.",
        discussion: """
            A connection is mutual once both sides have recorded it; only mutual connections count \
            for `path`, and only they get my card key, which opens my connections-only fields. The \
            resolved fingerprint is printed: check it when WHO is a name.

            Example:
              grapevine connect Jennifer
              grapevine connect gv1abcd
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "me, an identity or fingerprint, a unique prefix of either, or a unique display name.")
    var who: String

    func run() throws {
        let session = try options.open()
        let resolver = try session.resolver()
        let target = try resolver.resolve(who).identity
        guard target != session.me else { throw CLIError("you cannot connect to yourself: give someone else's WHO") }
        let entry = try session.write(.edge(EdgeInfo(target: target, state: .connected)))
        if output.json {
            try session.printJSON(WriteJSON(entry: entry, target: target))
            return
        }
        let mutual = try session.reader.edgeState(from: target, to: session.me) == .connected
        session.context.print("connected to \(session.describe(target, resolver))"
            + (mutual ? ": mutual" : ": mutual once they connect back"))
    }
}
