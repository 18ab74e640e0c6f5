import ArgumentParser
import Foundation
import GrapevineCLI
import GrapevineCore
import GrapevineStore
import Node

struct Peer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer",
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
            only once the peer has answered from there. With a node running, this waits up to 5 s \
            for the answer and says whether it came: exit 0 if it did, 2 if not yet (the node keeps \
            trying until it forgets the peer). If no node runs now, it joins at the next \
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
        session.tellNode()
        let addresses = parsed.endpoint.addresses.map { "\($0)" }
        session.context.print("added peer [\(parsed.inviter.fingerprint)] at \(addresses.joined(separator: ", "))")
        let never = parsed.endpoint.addresses.compactMap { address in
            Self.neverUsed(address).map { "\(address) is \($0)" }
        }
        for line in never {
            session.context.print("\(line): no node sends there (PROTOCOL.md §11.3)")
        }
        if never.count == addresses.count {
            session.context.print("no address of this invite can be used: ask the peer for an invite made with "
                                  + "`grapevine invite --advertise HOST:PORT` at an address you can reach")
            throw ExitCode(2)
        }
        try report(parsed.inviter, addresses: addresses, session: session)
    }

    /// Why no node ever sends to `address`, whatever it listens on; loopback depends on the
    /// listener, so it is left to the node.
    static func neverUsed(_ address: NodeAddress) -> String? {
        switch UnusableAddress.reason(ip: address.ip, port: address.port, listenerIsLoopback: true) {
        case .unspecified: "an unspecified address"
        case .broadcast: "the broadcast address"
        case .multicast: "a multicast address"
        case .port0: "at port 0"
        case .loopback, nil: nil
        }
    }

    /// How long `peer add` waits for a running node to hear from the peer: the command wakes the
    /// node, which reads the outbox at once and writes its status when the peer answers.
    static let waitMillis: UInt64 = 5000

    /// Waits for the running node's status to show whether the peer answered; exit 2 if it has
    /// not within `waitMillis`.
    private func report(_ peer: PublicIdentity, addresses: [String], session: HomeSession) throws {
        let context = session.context
        let start = context.physicalMillis()
        guard NodeStatus.read(home: session.home)?.isLive(home: session.home) == true else {
            context.print("no node is running for this home: the peer will be tried when `grapevine run` starts")
            return
        }
        var member: NodeStatus.MemberSnapshot?
        while context.physicalMillis() < start + Self.waitMillis {
            member = NodeStatus.read(home: session.home)?.members.first { $0.id == peer.text }
            if let member, member.state == "alive" || member.state == "suspect", let address = member.address {
                context.print("peer [\(peer.fingerprint)] answered at \(address)")
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let now = context.physicalMillis()
        let keepsTrying = member?.forgetAtMillis.map { " for \(Status.duration($0 > now ? $0 - now : 0))" } ?? ""
        context.print("no answer from \(addresses.joined(separator: ", ")) yet; the node keeps trying\(keepsTrying); "
                      + UnreachableHint.text(for: addresses))
        throw ExitCode(2)
    }
}
