import ArgumentParser
import Foundation
import GrapevineCLI
import GrapevineCore
import Node

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running node: members by state with last-seen times, traffic, and drops.",
        discussion: """
            The node writes a snapshot to status.json in its home when what it shows changes; \
            this asks the running node for a fresh one and reads it. \
            Peers whose datagrams speak another protocol version are listed apart (at most 32), \
            with what to do: an older peer must upgrade; a newer one means this node should. \
            Exits 1 when no node is running for this home.

            Example:
              grapevine status
              grapevine status --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let context = options.context
        let home = options.resolvedHome
        guard home.exists else {
            throw CLIError("no Grapevine home at \(home.path): run `grapevine init` first, or pass --home DIR")
        }
        let now = context.physicalMillis()
        let running = HomeLock.holder(home: home) != nil
        let snapshot = running ? NodeStatus.fresh(home: home) : NodeStatus.read(home: home)
        guard let status = snapshot, status.isLive(home: home) else {
            if output.json {
                context.print(try JSONOutput.encode(NotRunning(running: false, home: home.path)))
            } else {
                let last = snapshot.map { " (its node last ran \(Self.ago($0.writtenMillis, now: now)))" } ?? ""
                context.print("no node is running for \(home.path)\(last): start one with `grapevine run`")
            }
            throw ExitCode(1)
        }
        if output.json {
            context.print(try JSONOutput.encode(status))
            return
        }
        let names = Self.names(options)
        var rows: [[String]] = [
            ["node", "\(names(status.identity) ?? status.identity) (pid \(status.pid))"],
            ["listen", status.listen],
            ["advertised", status.advertised.joined(separator: ", ")],
            ["up", Self.duration(now &- status.startedMillis)],
            ["digest", status.digest],
            ["entries", "\(status.entries)"],
            ["datagrams", "in \(status.counters.datagramsIn) (\(status.counters.bytesIn) B), out \(status.counters.datagramsOut) (\(status.counters.bytesOut) B)"],
            ["dropped", "\(status.counters.drops.values.reduce(0, +))"],
        ]
        for reason in status.counters.drops.keys.sorted() {
            rows.append(["  " + reason, "\(status.counters.drops[reason] ?? 0)"])
        }
        rows.append(["entries received", "\(status.counters.entries.values.reduce(0, +))"])
        for outcome in status.counters.entries.keys.sorted() {
            rows.append(["  " + outcome, "\(status.counters.entries[outcome] ?? 0)"])
        }
        rows += Self.breakdown("send-failed", status.counters.sendFailed)
        rows += Self.breakdown("addresses ignored", status.counters.addressesIgnored)
        context.print(TextTable(rows: rows).text)
        if let reachability = status.reachability {
            context.print("")
            let relays = (status.relay?.homeRelays ?? []).map { relay in
                names(relay.id).map { "\($0) (\(relay.fingerprint))" } ?? relay.fingerprint
            }
            context.print("reachability: " + reachability.line(relays: relays))
            if let relay = status.relay { context.print("relay: " + Self.relayLine(relay)) }
        }
        context.print("discovery: " + (status.discovery?.line ?? "off (`grapevine run --discover` announces this node on the local network)"))
        Self.printOtherVersions(status, names: names, now: now, context: context)
        let counts = Self.states.map { state in "\(status.members.filter { $0.state == state }.count) \(state)" }
        context.print("")
        context.print("members: " + counts.joined(separator: ", "))
        guard !status.members.isEmpty else {
            context.print("no peers yet: give someone `grapevine invite`, or run `grapevine peer add INVITE`")
            return
        }
        let members = status.members.sorted { (Self.rank($0.state), $0.fingerprint) < (Self.rank($1.state), $1.fingerprint) }
        var table: [[String]] = [["STATE", "NAME", "FINGERPRINT", "ADDRESS", "PATH", "LAST SEEN"]]
        for m in members {
            table.append([m.state, names(m.id) ?? "-", m.fingerprint, m.address ?? "-", m.path ?? "-",
                          Self.ago(m.lastSeenMillis, now: now)])
        }
        context.print(TextTable(rows: table).text)
        let unreachable = members.filter { $0.state == "unreachable" }
        guard !unreachable.isEmpty else { return }
        context.print("")
        for m in unreachable {
            context.print("unreachable \(names(m.id).map { "\($0) " } ?? "")[\(m.fingerprint)]: \(Self.silence(m, now: now))")
        }
        context.print("  " + UnreachableHint.text(for: unreachable.flatMap { $0.tried ?? [] }))
    }

    /// `relaying 3 circuits for 2 reservations, 5120 B forwarded …`, or why it does not relay.
    static func relayLine(_ relay: NodeStatus.Relay) -> String {
        let dropped = relay.drops.values.reduce(0, +)
        let drops = dropped == 0 ? "" : ", \(dropped) frames dropped ("
            + relay.drops.keys.sorted().map { "\($0) \(relay.drops[$0] ?? 0)" }.joined(separator: ", ") + ")"
        guard relay.relaying else {
            let why = relay.enabled ? "not relaying: peers have not confirmed this node public"
                : "not relaying (--relay off)"
            return why + drops
        }
        let b = relay.bounds
        return "relaying \(relay.circuits) circuits for \(relay.reservations) reservations, "
            + "\(relay.framesForwarded) frames (\(relay.bytesForwarded) B) forwarded; limits \(b.circuitBytesPerSecond) B/s "
            + "per circuit, \(b.totalBytesPerSecond) B/s in all" + drops
    }

    /// A counter's total, then one indented row per reason, by name; nothing when it is zero.
    static func breakdown(_ label: String, _ counts: [String: Int]) -> [[String]] {
        guard !counts.isEmpty else { return [] }
        return [[label, "\(counts.values.reduce(0, +))"]] + counts.keys.sorted().map { ["  " + $0, "\(counts[$0] ?? 0)"] }
    }

    /// `no answer from ADDR since 12s ago; forgotten in 4m48s unless it answers`.
    static func silence(_ m: NodeStatus.MemberSnapshot, now: UInt64) -> String {
        let tried = m.tried ?? []
        let answer = tried.isEmpty
            ? "no address to ping yet"
            : "no answer from \(tried.joined(separator: ", ")) since \(ago(m.triedSinceMillis, now: now))"
        let forget = m.forgetAtMillis.map { "; forgotten in \(duration($0 > now ? $0 - now : 0)) unless it answers" } ?? ""
        return answer + forget
    }

    /// Member states in the order a person reads them: the healthy first. `unreachable` is a
    /// member the node has not verified itself: it claims nothing about it (PROTOCOL.md §11.4).
    static let states = ["alive", "suspect", "unreachable", "dead", "left"]

    static func rank(_ state: String) -> Int {
        states.firstIndex(of: state) ?? states.count
    }

    /// Display names from the store, if it opens; the status itself needs only status.json.
    static func names(_ options: GlobalOptions) -> (String) -> String? {
        guard let session = try? options.open(), let resolver = try? session.resolver() else { return { _ in nil } }
        return { text in (try? PublicIdentity(parsing: text)).flatMap { resolver.name(of: $0) } }
    }

    /// `12s ago`, or `never` when nothing was heard.
    static func ago(_ millis: UInt64?, now: UInt64) -> String {
        guard let millis else { return "never" }
        return duration(now > millis ? now - millis : 0) + " ago"
    }

    struct NotRunning: Encodable {
        var running: Bool
        var home: String
    }

    static func duration(_ millis: UInt64) -> String {
        let seconds = millis / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds / 3600)h\(seconds / 60 % 60)m"
    }
}
