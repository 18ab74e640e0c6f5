import ArgumentParser
import GrapevineCLI

struct Id: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Print my identity in its text form, and its fingerprint.",
        discussion: """
            Give the identity to people who want to connect with you; compare fingerprints aloud. \
            It needs only the key file, so it works while the store is missing or damaged.

            Example:
              grapevine id
              grapevine id --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let home = options.resolvedHome
        let (_, me) = try HomeSession.identity(home: home)
        if output.json {
            options.context.print(try JSONOutput.encode(IdentityJSON(id: me, home: home)))
            return
        }
        options.context.print(me.text)
        options.context.print("fingerprint " + me.fingerprint)
    }
}
