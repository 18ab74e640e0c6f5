import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Disconnect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disconnect",
        abstract: "Remove my connection to someone.",
        discussion: """
            The removal supersedes the connection; the old entry is not deleted from other nodes' history. \
            If they held my card key, it is replaced at once: my connections-only fields are sealed again \
            under a new key that only my remaining mutual connections get. They cannot read what I set \
            from now on, but they keep what they read before, and the values their node kept.

            Example:
              grapevine disconnect Jennifer
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "me, an identity or fingerprint, a unique prefix of either, or a unique display name.")
    var who: String

    func run() throws {
        let session = try options.open()
        let resolver = try session.resolver()
        let target = try resolver.resolve(who).identity
        guard try session.reader.edgeState(from: session.me, to: target) == .connected else {
            throw CLIError("you are not connected to \(session.describe(target, resolver)): nothing to remove (see `grapevine show`)")
        }
        let entry = try session.write(.edge(EdgeInfo(target: target, state: .removed)))
        if output.json {
            try session.printJSON(WriteJSON(entry: entry, target: target))
        } else {
            session.context.print("disconnected from \(session.describe(target, resolver))")
        }
    }
}
