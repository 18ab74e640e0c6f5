import ArgumentParser
import GrapevineCLI
import GrapevineCore
import GrapevineStore

struct Introduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "introduce",
        abstract: "Introduce two of my contacts to each other.",
        discussion: """
            Both must be my mutual connections (see `grapevine connections`), and a pair is \
            introduced once, in either order. Each of them can then `grapevine accept` or \
            `grapevine decline` the introduction. Both resolved fingerprints are printed: check them \
            when you used names.

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
        let connections = try session.reader.connections(of: session.me)
        for person in [a, b] where !connections.mutual.contains(person) {
            throw Self.notMutual(person, connections, session: session, resolver: resolver)
        }
        let pair: Set = [a, b]
        if let earlier = try session.reader.introductions(involving: session.me)
            .first(where: { $0.introducer == session.me && Set([$0.a, $0.b]) == pair })
        {
            throw CLIError(
                "you already introduced \(session.describe(a, resolver)) and \(session.describe(b, resolver)) (introduction \(earlier.id.hex.prefix(12)), \(earlier.state.rawValue)): nothing written; see `grapevine intros`")
        }
        let entry = try session.write(.introduction(IntroductionInfo(a: a, b: b, note: note)))
        if output.json {
            try session.printJSON(WriteJSON(entry: entry, target: nil))
            return
        }
        session.context.print("introduced \(session.describe(a, resolver)) to \(session.describe(b, resolver))")
        session.context.print("introduction \(entry.id.hex)")
    }

    /// Why `person` cannot be introduced: an introduction needs a mutual connection with both
    /// people, so that strangers cannot put names in front of each other.
    static func notMutual(_ person: PublicIdentity, _ connections: ConnectionLists, session: HomeSession,
                          resolver: WhoResolver) -> CLIError {
        let who = session.describe(person, resolver)
        let todo: String
        if connections.waitingForThem.contains(person) {
            todo = "they have not connected back; ask them to run `grapevine connect \(session.me.fingerprint)`"
        } else if connections.waitingForMe.contains(person) {
            todo = "they connected to you; connect back with `grapevine connect \(person.fingerprint)`"
        } else {
            todo = "connect with `grapevine connect \(person.fingerprint)` and ask them to connect back to \(session.me.fingerprint)"
        }
        return CLIError("you are not mutually connected to \(who), and an introduction needs a mutual connection with both people: \(todo)")
    }
}
