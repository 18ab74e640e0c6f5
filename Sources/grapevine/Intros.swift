import Foundation
import ArgumentParser
import GrapevineCLI
import GrapevineCore
import GrapevineStore

struct Intros: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intros",
        abstract: "List the introductions that involve me, with their states.",
        discussion: """
            States: pending, partially-accepted, accepted, declined. Answer with \
            `grapevine accept INTRO` or `grapevine decline INTRO`, where INTRO is the id or a unique prefix.

            Anyone can sign an introduction, so by default only those made by me or by my mutual \
            connections are listed, and the MUTUAL column says which; --all lists the others too. \
            Every person is shown with their fingerprint, because names are chosen by their owners.

            Example:
              grapevine intros
              grapevine intros --all --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Flag(name: .long, help: "Also list introductions made by people who are not my mutual connections.")
    var all = false

    func run() throws {
        let session = try options.open()
        let everything = try session.reader.introductions(involving: session.me)
        let mutual = Set(try session.reader.connections(of: session.me).mutual)
        func trusted(_ intro: IntroductionSummary) -> Bool {
            intro.introducer == session.me || mutual.contains(intro.introducer)
        }
        let intros = all ? everything : everything.filter(trusted)
        let hidden = everything.count - intros.count
        let resolver = try session.resolver()
        let person = resolver.names.person(_:)
        if output.json {
            try session.printJSON(intros.map { intro in
                IntroJSON(intro, introducerMutual: mutual.contains(intro.introducer), people: person)
            })
            return
        }
        if intros.isEmpty {
            session.context.print(hidden > 0 ? "no introductions from you or your mutual connections" : "no introductions involve you yet")
        } else {
            func label(_ identity: PublicIdentity) -> String { person(identity).label }
            let rows = intros.map { intro -> [String] in
                let by = intro.introducer == session.me ? "me" : mutual.contains(intro.introducer) ? "yes" : "no"
                let note = NameText.escaped(intro.note.replacingOccurrences(of: "\n", with: " ")).text
                return [String(intro.id.hex.prefix(12)), intro.state.rawValue, label(intro.introducer), by, label(intro.a),
                        label(intro.b), StampText.human(intro.stamp), note]
            }
            session.context.print(
                TextTable(header: ["ID", "STATE", "BY", "MUTUAL", "A", "B", "WHEN", "NOTE"], rows: rows).text)
        }
        if hidden > 0 {
            session.context.print("\(hidden) more from people who are not your mutual connections: see them with `grapevine intros --all`")
        }
    }
}
