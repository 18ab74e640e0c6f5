import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Print an invite: a token that tells another node where to find this one.",
        discussion: """
            The invite carries your signed endpoint (the addresses your node listens on), so it can \
            be checked offline. Send it to someone; they run `grapevine peer add TOKEN`. The last \
            line of the output is the token alone. Run your node at least once first, or pass \
            --advertise.

            Example:
              grapevine invite
              grapevine invite --advertise 192.0.2.7:7474 | tail -n 1
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Publish this address first (repeatable).", valueName: "host:port"))
    var advertise: [String] = []

    func run() throws {
        let session = try options.open()
        if !advertise.isEmpty {
            let addresses = try advertise.map { text -> NodeAddress in
                let (host, port) = try HostPort.parse(text, what: "--advertise")
                guard let ip = IPText.parse(host) else { throw CLIError("--advertise \(text): give an IP address") }
                return NodeAddress(ip: ip, port: port)
            }
            try session.write(.endpoint(EndpointInfo(addresses: addresses)))
        }
        guard let entry = session.reader.latestEntry(author: session.me, kind: .endpoint, replacementKey: []),
              let invite = GrapevineCore.Invite(entry: entry)
        else {
            throw CLIError("this node has no endpoint yet: run `grapevine run` once, or pass --advertise HOST:PORT")
        }
        let addresses = invite.endpoint.addresses.map { "\($0)" }.joined(separator: ", ")
        session.context.print("Invite to \(session.me.fingerprint) at \(addresses).")
        session.context.print("Give it to a peer, who runs: grapevine peer add TOKEN")
        session.context.print(invite.text)
    }
}
