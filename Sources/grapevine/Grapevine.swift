import ArgumentParser
import GrapevineCLI

/// The root command: groups the subcommands, whose common options may come before or after them.
struct Grapevine: LeadingOptionsCommand {
    static let leadingOptions = LeadingOptions(valued: ["--home", "--log-level"], flags: ["--json"])

    static let configuration = CommandConfiguration(
        commandName: "grapevine",
        abstract: "A peer-to-peer contact exchange: your card, your connections, and introductions.",
        usage: "grapevine [--home <dir>] [--log-level <log-level>] [--json] <subcommand>",
        discussion: """
            Every command works on a home directory (--home DIR, else $GRAPEVINE_HOME, else \
            ~/.grapevine) that holds your identity and the merged store, with or without a running node.

            The common options --home, --log-level and --json (on commands that print data) go \
            before or after the subcommand.

            Example:
              grapevine init --name "Jeff"
              grapevine --home /tmp/kristina card set title "Author"
              grapevine contacts --json
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Id.self, Card.self, Connect.self, Disconnect.self, Connections.self, Introduce.self, Intros.self,
            Accept.self, Decline.self, Contacts.self, Show.self, Path.self, Inspect.self, Export.self,
            Run.self, InviteCommand.self, Peer.self, Status.self, Nearby.self,
        ])
}
