import ArgumentParser
import FaultHarness
import Foundation
import GossipEngine
import GrapevineCore
import Sodium

struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send entries from a file to nodes as one peer, sealed, at a fixed rate.",
        discussion: """
            Entries are packed into gossip messages and sent to every --to node in turn. With \
            --repeat-seconds the whole set is sent again each second until the time is up (a liar \
            that keeps talking). Runs inside a lab host: ip netns exec HOST grapevine-faults push …
            """)

    @Option(name: .long, help: ArgumentHelp("The pushing peer's key file.", valueName: "path"))
    var key: String

    @Option(name: .long, help: ArgumentHelp("Entries, each a 4-byte big-endian length and its bytes.", valueName: "path"))
    var entries: String?

    @Option(name: .long, help: ArgumentHelp("Also ask for these entries (hex ids, comma-separated), with a ping, each round.",
                                            valueName: "id,…"))
    var request: String?

    @Option(name: .long, help: ArgumentHelp("A node: its identity and UDP address (repeatable).", valueName: "gv1…@ip:port"))
    var to: [String]

    @Option(name: .long, help: ArgumentHelp("The local IPv4 address to send from.", valueName: "ip"))
    var source: String

    @Option(name: .long, help: ArgumentHelp(
        "Also claim a membership state for someone, in a message of its own each round (repeatable): alive, suspect, dead or left.",
        valueName: "state:incarnation:gv1…"))
    var claim: [String] = []

    @Option(name: .long, help: "Also claim this many made-up members alive, in messages of their own each round.")
    var fakeMembers = 0

    @Option(name: .long, help: "Datagrams per second.")
    var rate: Double = 100

    @Option(name: .long, help: "Keep re-sending the set for this many seconds.")
    var repeatSeconds: Double = 0

    func run() throws {
        let signingKey = try KeyFile.load(from: key)
        let targets = try to.map(Target.init(parsing:))
        var payloads = try entries.map { PeerEmulator.pack(try EntryFactory.read(from: $0), into: \.entries) } ?? []
        if let request {
            var asking = GossipMessage()
            asking.ping = 1
            asking.request = request.split(separator: ",").compactMap { Hex.decode(String($0)).flatMap { EntryID(bytes: $0) } }
            payloads.append(asking.encoded())
        }
        if !claim.isEmpty {
            var claims = GossipMessage()
            claims.members = try claim.map { try Self.update(parsing: $0, reporter: PublicIdentity(signingKey)) }
            payloads.insert(claims.encoded(), at: 0)
        }
        payloads.insert(contentsOf: Self.fakeMemberPayloads(fakeMembers), at: 0)
        var emulator = try PeerEmulator(signingKey: signingKey, epoch: UInt64(Date().timeIntervalSince1970 * 1000),
                                        source: source)
        let start = Date()
        var sent = 0
        repeat {
            let pacer = Pacer(perSecond: rate)
            var index = 0
            for payload in payloads {
                for target in targets {
                    guard let datagram = emulator.seal(payload, to: target.identity) else {
                        throw ValidationError("a packed message does not fit a datagram")
                    }
                    pacer.wait(for: index)
                    _ = emulator.send(datagram, to: target.host, port: target.port)
                    index += 1
                }
            }
            sent += index
            if repeatSeconds > 0 { Thread.sleep(forTimeInterval: 1) }
        } while Date().timeIntervalSince(start) < repeatSeconds
        print("sent \(sent) datagrams carrying \(payloads.count) messages to \(targets.count) nodes")
    }
}

extension Push {
    /// Alive claims for `count` made-up identities, packed into full gossip messages.
    static func fakeMemberPayloads(_ count: Int) -> [[UInt8]] {
        let claims = (0..<count).compactMap { _ in
            PublicIdentity(bytes: Sodium.randomBytes(32)).map { MemberUpdate(member: $0, status: .alive, incarnation: 1) }
        }
        return PeerEmulator.pack(claims, into: \.members)
    }

    /// `state:incarnation:gv1…` as a membership update reported by the pushing peer.
    static func update(parsing text: String, reporter: PublicIdentity) throws -> MemberUpdate {
        let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
        let states: [String: MemberStatus] = ["alive": .alive, "suspect": .suspect, "dead": .dead, "left": .left]
        guard parts.count == 3, let status = states[parts[0]], let incarnation = UInt64(parts[1]) else {
            throw ValidationError("\(text): write STATE:INCARNATION:IDENTITY, for example dead:42:gv1…")
        }
        return MemberUpdate(member: try PublicIdentity(parsing: parts[2]), status: status, incarnation: incarnation,
                            reporter: status == .suspect ? reporter : nil)
    }
}

/// `gv1…@ip:port`: who a sealed datagram is for, and where it goes.
struct Target {
    var identity: PublicIdentity
    var host: String
    var port: UInt16

    init(parsing text: String) throws {
        let parts = text.split(separator: "@")
        guard parts.count == 2, let colon = parts[1].lastIndex(of: ":"),
              let port = UInt16(parts[1][parts[1].index(after: colon)...])
        else { throw ValidationError("\(text): write IDENTITY@IP:PORT") }
        identity = try PublicIdentity(parsing: String(parts[0]))
        host = String(parts[1][..<colon])
        self.port = port
    }
}
