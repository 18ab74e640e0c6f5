import ArgumentParser

/// The root command: only groups the subcommands.
struct Grapevine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grapevine",
        abstract: "A peer-to-peer contact exchange: your card, your connections, and introductions.",
        discussion: """
            Every command works on a home directory (--home DIR, else $GRAPEVINE_HOME, else \
            ~/.grapevine) that holds your identity and the merged store, with or without a running node.

            Example:
              grapevine init --name "Jeff"
              grapevine card set title "Marketing director"
              grapevine contacts
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Id.self, Card.self, Connect.self, Disconnect.self, Connections.self, Introduce.self, Intros.self,
            Accept.self, Decline.self, Contacts.self, Show.self, Path.self, Inspect.self, Export.self,
            Run.self, InviteCommand.self, Peer.self, Status.self,
        ])
}
