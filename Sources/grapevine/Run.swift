import ArgumentParser
import GrapevineCLI
import GossipEngine
import GrapevineCore
import Logging
import Node
import ServiceLifecycle

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run this home's node in the foreground until SIGTERM or SIGINT.",
        discussion: """
            The node gossips your entries to its peers over UDP, merges what it hears into the store, \
            and sends on what other `grapevine` commands write while it runs. It remembers the peers \
            it has verified, so after the first time it needs no --peer.

            Example:
              grapevine run --listen 127.0.0.1:7474
              grapevine run --peer gvi1…   # join through someone's invite
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Where to listen for UDP (IPv4 or [IPv6]).", valueName: "host:port"))
    var listen = "[::]:\(NodeOptions.defaultPort)"

    @Option(name: .long, help: ArgumentHelp(
        "An address to publish in your endpoint (repeatable); default: the listen address, or loopback.",
        valueName: "host:port"))
    var advertise: [String] = []

    @Option(name: .long, help: ArgumentHelp("Join through this invite (repeatable).", valueName: "invite"))
    var peer: [String] = []

    @Flag(name: .long, help: """
        Announce this node on the local network (multicast, udp/7475) and try the nodes that announce \
        themselves; see `grapevine nearby`. Off unless given: an announcement shows your key and addresses to the LAN.
        """)
    var discover = false

    @Option(name: .long, help: ArgumentHelp("Test only: announce every this many ms (at least 1000).",
                                            visibility: .hidden))
    var testDiscoveryIntervalMs: UInt64?

    @Option(name: .long, help: ArgumentHelp("""
        Relay sealed datagrams for members behind symmetric NATs once peers confirm this node is \
        public (it reads only a header, never a payload; bounded per circuit and in all).
        """, valueName: "on|off"))
    var relay: Switch = .on

    @Flag(name: .long, help: "Log the time each new entry is merged to merge.log in the home (for benchmarks).")
    var mergeLog = false

    @Option(name: .long, help: ArgumentHelp("Probe interval in milliseconds (SWIM).", visibility: .hidden))
    var probeIntervalMs: UInt64?

    @Option(name: .long, help: ArgumentHelp("Test only: run this node's clock ahead (or behind) by this many ms.",
                                            visibility: .hidden))
    var testClockOffsetMs: Int64 = 0

    @Option(name: .long, help: ArgumentHelp("Test only: handle every received datagram this many ms late (latency).",
                                            visibility: .hidden))
    var testReceiveDelayMs: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("Test only: forget a member not verified within this many ms.",
                                            visibility: .hidden))
    var testUnverifiedTimeoutMs: UInt64?

    @Option(name: .long, help: ArgumentHelp(
        "Test only: read the outbox unwoken only every this many ms (commands wake the node at once).",
        visibility: .hidden))
    var testOutboxPollMs: UInt64?

    @Option(name: .long, help: ArgumentHelp("Reconciliation interval in milliseconds.", visibility: .hidden))
    var reconcileIntervalMs: UInt64?

    @Option(name: .long, help: ArgumentHelp("Keepalive interval behind a NAT in milliseconds; 0 turns keepalives off.",
                                            visibility: .hidden))
    var keepaliveMs: UInt64?

    @Option(name: .long, help: ArgumentHelp(
        "Test only: treat this prefix as private, like 192.168.0.0/16 (repeatable; a lab's home LANs).",
        valueName: "prefix", visibility: .hidden))
    var testPrivatePrefix: [String] = []

    func run() async throws {
        let session = try options.open()
        let lock: HomeLock
        do {
            lock = try HomeLock.acquire(home: session.home)
        } catch {
            throw CLIError(error.message(home: session.home))
        }
        // Held until the node has stopped; the kernel releases it if the process is killed.
        defer { withExtendedLifetime(lock) {} }
        var node = NodeOptions()
        let (host, port) = try HostPort.parse(listen, what: "--listen")
        node.listenHost = host
        node.listenPort = port
        node.advertise = try advertise.map { text in
            let (host, port) = try HostPort.parse(text, what: "--advertise")
            guard let ip = IPText.parse(host) else {
                throw CLIError("--advertise \(text): give an IP address, not a name, so peers need no DNS")
            }
            return NodeAddress(ip: ip, port: port)
        }
        node.mergeLog = mergeLog
        node.discover = discover
        node.gossip.relayEnabled = relay == .on
        if let testDiscoveryIntervalMs { node.discoveryIntervalMillis = testDiscoveryIntervalMs }
        node.clock = TimeSource.system.shifted(by: testClockOffsetMs)
        node.receiveDelayMillis = testReceiveDelayMs
        if let probeIntervalMs { node.gossip.probeIntervalMillis = probeIntervalMs }
        if let testUnverifiedTimeoutMs { node.gossip.unverifiedTimeoutMillis = testUnverifiedTimeoutMs }
        if let reconcileIntervalMs { node.gossip.reconciliationIntervalMillis = reconcileIntervalMs }
        if let testOutboxPollMs { node.outboxPollMillis = testOutboxPollMs }
        if let keepaliveMs { node.gossip.keepaliveIntervalMillis = keepaliveMs }
        node.privatePrefixes = try testPrivatePrefix.map { text in
            guard let prefix = IPPrefix(text, parseIP: IPText.parse) else {
                throw CLIError("--test-private-prefix \(text): write an address and a length, for example 198.19.0.0/16")
            }
            return prefix
        }
        let invites = try peer.map { try GrapevineCore.Invite(parsing: $0) }
        var logger = Logger(label: "grapevine.node") { _ in
            CLILogHandler(level: options.logLevel, output: session.context.errorOutput)
        }
        logger[metadataKey: "node"] = "\(session.me.fingerprint)"
        let service = NodeService(home: session.home, options: node, signingKey: session.key, store: session.store,
                                  invites: invites, logger: logger) { [context = session.context] line in
            context.printError(line)
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let lost as StoreFileLost {
            throw CLIError(lost.description)
        } catch {
            guard let reason = ListenFailure.reason(error) else { throw error }
            throw CLIError("cannot listen on \(listen): \(reason)")
        }
    }
}

/// `host:port` and `[v6]:port` as the command line takes them.
enum HostPort {
    static func parse(_ text: String, what: String) throws -> (String, UInt16) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[close...].dropFirst().drop { $0 == ":" }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            throw CLIError("\(what) \(text): write host:port, for example 127.0.0.1:7474 or [::1]:7474")
        }
        guard let port = UInt16(portText) else {
            throw CLIError("\(what) \(text): the port must be a number from 0 to 65535")
        }
        return (String(host), port)
    }
}
