import ArgumentParser
import GrapevineCLI
import GrapevineCore
import GrapevineStore

struct Peer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tell this node about peers.",
        discussion: """
            Example:
              grapevine peer add gvi1…
            """,
        subcommands: [PeerAdd.self])
}

struct PeerAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a peer from its invite; a running node joins through it within a second.",
        discussion: """
            The invite is checked offline first. The node pings the peer's address and gossips to it \
            only once the peer has answered from there. If no node runs now, it joins at the next \
            `grapevine run`.

            Example:
              grapevine peer add gvi1…
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The token that `grapevine invite` printed.", valueName: "invite"))
    var invite: String

    func run() throws {
        let session = try options.open()
        let parsed = try GrapevineCore.Invite(parsing: invite)
        guard parsed.inviter != session.me else {
            throw CLIError("this is your own invite: give it to someone else")
        }
        let outcomes = try Ingestor(store: session.store).ingest([parsed.entry.encoded],
                                                                 physicalMillis: session.context.physicalMillis())
        if let outcome = outcomes.first?.outcome, case .rejected(let reason) = outcome {
            throw CLIError("the invite's endpoint was refused (\(reason.rawValue)); ask for a new invite")
        }
        try session.store.enqueueForNode(parsed.entry.id)
        let addresses = parsed.endpoint.addresses.map { "\($0)" }.joined(separator: ", ")
        session.context.print("added peer [\(parsed.inviter.fingerprint)] at \(addresses)")
    }
}
