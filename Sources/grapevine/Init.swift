import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the identity and store in the home, and set my card's name.",
        discussion: """
            Refuses to overwrite an existing identity: a home holds one identity for ever. If the \
            home's store.sqlite was lost, --recover starts a fresh, empty store for the identity; \
            the network still holds the entries you signed, and your node gets them back once it \
            runs and reaches a peer.

            Example:
              grapevine init --name "Kevin Bacon"
              grapevine --home /tmp/jeff init --name Jeff
              grapevine init --recover
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Option(name: .long, help: "My display name, stored as my card's fn field.")
    var name: String?

    @Flag(name: .long, help: "Start a fresh store for the identity already in the home, when its store is missing.")
    var recover = false

    func run() throws {
        // Checked before the home is created, so a name that cannot be stored leaves no identity behind.
        if let name, !name.isEmpty {
            try NameText.checkOwnName(field: "fn", value: name)
            try ValueLimits.check(.card(CardUpdate(field: "fn", values: [CardItem(name)])))
        }
        let session = recover
            ? try HomeSession.recover(home: options.resolvedHome, context: options.context, logger: options.logger)
            : try HomeSession.create(home: options.resolvedHome, context: options.context, logger: options.logger)
        if let name, !name.isEmpty {
            try session.write(.card(CardUpdate(field: "fn", values: [CardItem(name)])))
        }
        if output.json {
            try session.printJSON(IdentityJSON(id: session.me, home: session.home))
            return
        }
        session.context.print((recover ? "started a fresh store in " : "created identity in ") + session.home.path)
        session.context.print(TextTable(rows: [
            ["id", session.me.text], ["fingerprint", session.me.fingerprint],
        ] + (name.map { [["name", $0]] } ?? [])).text)
        if recover {
            for line in Self.recoveryNotes { session.context.print(line) }
        }
    }

    /// What a fresh store means, said once when it is started.
    static let recoveryNotes = [
        "The store is empty, but the network still holds every entry you signed (your card, connections,",
        "introductions and answers): run `grapevine run` and they come back from your peers through reconciliation.",
        "Your clock goes on from the system time, and each entry of yours that comes back moves it past that",
        "entry. Until they are back, an edit of yours loses to an older one only if that one carries a later stamp",
        "(made in the last 10 minutes, or by a clock that ran ahead): check `grapevine card show` once they are back.",
    ]
}
