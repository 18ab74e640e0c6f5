import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Path: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Degrees of separation over mutual connections, and who can introduce me.",
        usage: "grapevine path [FROM] TO [--json]",
        discussion: """
            FROM defaults to me. Only mutual connections count: one side's record is not enough. \
            Below the path, everyone it names is listed with their fingerprint. Exits 1 when TO \
            cannot be reached.

            Example:
              grapevine path "Kevin Bacon"
              grapevine path Jennifer "Kevin Bacon"
              → Jennifer → Jeff → Kevin Bacon (2 hops: ask Jeff for an introduction)
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: ArgumentHelp("[FROM] TO: one or two people.", valueName: "who"))
    var people: [String]

    func validate() throws {
        guard (1...2).contains(people.count) else {
            throw ValidationError("give TO, or FROM and TO")
        }
    }

    func run() throws {
        let session = try options.open()
        let resolver = try session.resolver()
        let from = people.count == 2 ? try resolver.resolve(people[0], role: "FROM").identity : session.me
        let to = try resolver.resolve(people[people.count - 1], role: "TO").identity
        let result = session.reader.path(from: from, to: to)
        let person = resolver.names.person(_:)
        if output.json {
            try session.printJSON(PathJSON(result, people: person))
        } else {
            session.context.print(PathDescription.line(result) { identity in
                let person = person(identity)
                return person.name.isEmpty ? person.fingerprint : person.shownName
            })
            for line in PathDescription.people(result, person: person) { session.context.print(line) }
        }
        if !result.reachable { throw ExitCode(1) }
    }
}
