import GossipEngine
import GrapevineCore
import SealedDatagrams

/// How a node runs: where it listens and what it advertises, the engine's timing, the limits on
/// untrusted input, and the test-only knobs the fault harness uses.
public struct NodeOptions: Sendable {
    /// The default UDP port: clear of Serf's 7946 and SSB's 8008.
    public static let defaultPort: UInt16 = 7474

    /// The address the socket binds; `::` listens on IPv6 and, dual-stack, on IPv4.
    public var listenHost = "::"
    public var listenPort = NodeOptions.defaultPort
    /// Addresses published in this node's endpoint entry. Empty: the listen address if it is a
    /// specific one, else the loopback addresses (other machines then cannot reach this node).
    public var advertise: [NodeAddress] = []
    public var gossip: GossipConfig
    public var limits = DatagramOpener.Limits()
    /// How often the node looks for entries written by other processes when none tells it: the
    /// CLI wakes the node over its socket (`NodeWakeup`) after each write, so this is a fallback.
    public var outboxPollMillis: UInt64 = 2000
    /// How often the node re-checks quarantined entries and whether its store file is still there.
    public var housekeepingMillis: UInt64 = 1000
    /// How often the node looks whether `status.json` needs writing (only when what it shows
    /// changed), and how soon after a membership change. A join changes every member's state
    /// within a second; at 250 ms that is about four writes of the file, where 50 ms made twenty,
    /// each encoding every member (8 % of a joining node's CPU). `grapevine status` asks the
    /// running node for a fresh snapshot and does not wait for either.
    public var statusCheckMillis: UInt64 = 1000
    public var statusPromptMillis: UInt64 = 250
    /// The least time between two writes of `peers.json` (`PeersFile`); the first is written at once.
    public var peersSpacingMillis: UInt64 = 1000
    /// Append "millis entry-id" for every newly merged entry to `merge.log` in the home
    /// (benchmarks measure propagation from these lines).
    public var mergeLog = false
    /// The node's one clock: wall time for stamps and credibility checks, monotonic time for
    /// timers. Tests inject their own; `--test-clock-offset-ms` shifts the wall reading only.
    public var clock = TimeSource.system
    /// Test only: each received datagram is handled this much later (one-way latency; datagrams
    /// behind it are not held up). The fault harness's kernel has no netem.
    public var receiveDelayMillis: UInt64 = 0
    /// Test only: prefixes treated as private like 10.0.0.0/8 (a lab's home LANs, PROTOCOL.md §5.4).
    public var privatePrefixes: [IPPrefix] = []
    /// Announce this node on the local network and try the nodes that announce themselves
    /// (`--discover`, PROTOCOL.md §17); off unless asked.
    public var discover = false
    public var discoveryPort: UInt16 = 7475
    public var discoveryIntervalMillis: UInt64 = 5000

    public init() {
        gossip = GossipConfig()
    }
}
