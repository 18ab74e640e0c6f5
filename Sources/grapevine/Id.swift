import ArgumentParser
import GrapevineCLI

struct Id: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print my identity in its text form, and its fingerprint.",
        discussion: """
            Give the identity to people who want to connect with you; compare fingerprints aloud.

            Example:
              grapevine id
              grapevine id --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let session = try options.open()
        if output.json {
            try session.printJSON(IdentityJSON(id: session.me, home: session.home))
            return
        }
        session.context.print(session.me.text)
        session.context.print("fingerprint " + session.me.fingerprint)
    }
}
