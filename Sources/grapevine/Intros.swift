import Foundation
import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Intros: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the introductions that involve me, with their states.",
        discussion: """
            States: pending, partially-accepted, accepted, declined. Answer with \
            `grapevine accept INTRO` or `grapevine decline INTRO`, where INTRO is the id or a unique prefix.

            Example:
              grapevine intros
              grapevine intros --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let session = try options.open()
        let intros = try session.store.introductions(involving: session.me)
        if output.json {
            try session.printJSON(intros.map(IntroJSON.init))
            return
        }
        guard !intros.isEmpty else {
            session.context.print("no introductions involve you yet")
            return
        }
        let resolver = try session.resolver()
        func name(_ text: String) -> String {
            guard let identity = try? PublicIdentity(parsing: text) else { return text }
            return identity == session.me ? "me" : session.displayName(identity, in: resolver)
        }
        let rows = intros.map { intro in
            [String(intro.id.prefix(12)), intro.state.rawValue, name(intro.introducer), name(intro.a), name(intro.b),
             StampText.human(intro.stamp), intro.note.replacingOccurrences(of: "\n", with: " ")]
        }
        session.context.print(TextTable(header: ["ID", "STATE", "BY", "A", "B", "WHEN", "NOTE"], rows: rows).text)
    }
}
