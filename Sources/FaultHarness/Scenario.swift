import Foundation

/// The fault scenarios of docs/RELIABILITY.md. `make test` runs loss30, partition, crash, liar,
/// nat-cone, nat-cone-one-public, nat-symmetric, nearby and nearby-lan; `make faults` runs all twelve.
public enum Scenario: String, CaseIterable, Sendable {
    case loss30, partition, crash, skew, flood, liar
    /// Homes behind endpoint-independent NATs with two public nodes, and again with one.
    case natCone = "nat-cone"
    case natConeOnePublic = "nat-cone-one-public"
    /// The nat-cone lab plus a home behind a symmetric router, reached through relays.
    case natSymmetric = "nat-symmetric"
    /// Routers with 15-s UDP timeouts and 60-s node intervals: an edit after 2 idle minutes
    /// reaches every home with keepalives, and not without.
    case natKeepalive = "nat-keepalive"
    /// Discovery: three nodes on one bridge find each other with no invite, and a forged flood.
    case nearby
    /// Discovery: two homes behind one router on one LAN, no public node, no hairpin.
    case nearbyLAN = "nearby-lan"

    /// What a run found: figures for docs/reliability.json, and each acceptance check that failed.
    public struct Outcome: Sendable {
        public var figures: [String: Double] = [:]
        public var failures: [String] = []

        public var passed: Bool { failures.isEmpty }

        mutating func check(_ condition: Bool, _ failure: @autoclosure () -> String) {
            if !condition { failures.append(failure()) }
        }
    }

    /// Runs the scenario in a lab of its own, printing progress through `say`. The lab is torn
    /// down whatever happens; the nodes' homes and logs are kept when the scenario fails.
    public func run(binaries: Binaries, say: @escaping @Sendable (String) -> Void) throws -> Outcome {
        let say: @Sendable (String) -> Void = { [name = rawValue] in say("[\(name)] " + $0) }
        if let nat = natScenario(binaries: binaries, say: say) {
            let outcome = try nat()
            report(outcome, say: say)
            return outcome
        }
        let hosts: Int
        var extra: [Int] = []
        switch self {
        case .loss30, .partition, .flood: hosts = 5
        case .crash: hosts = 3; extra = [100]
        case .skew: hosts = 4
        case .liar: hosts = 5; extra = [100, 200]
        case .nearby: hosts = 4; extra = [NearbyScenario.floodHost]
        case .natCone, .natConeOnePublic, .natSymmetric, .natKeepalive, .nearbyLAN: hosts = 0
        }
        if self == .flood { extra = [100] }
        let network = try LabNetwork(rawValue, hosts: hosts, extraHosts: extra, binaries: binaries, say: say)
        var outcome = Outcome()
        do {
            switch self {
            case .loss30: outcome = try LossScenario(network: network).run()
            case .partition: outcome = try PartitionScenario(network: network).run()
            case .crash: outcome = try CrashScenario(network: network).run()
            case .skew: outcome = try SkewScenario(network: network).run()
            case .flood: outcome = try FloodScenario(network: network).run()
            case .liar: outcome = try LiarScenario(network: network).run()
            case .nearby: outcome = try NearbyScenario(network: network).run()
            case .natCone, .natConeOnePublic, .natSymmetric, .natKeepalive, .nearbyLAN: break
            }
        } catch {
            outcome.failures.append("\(error)")
        }
        if !outcome.passed {
            say("failed; node homes and logs kept in \(network.root)")
        }
        network.teardown(keepFiles: !outcome.passed)
        report(outcome, say: say)
        return outcome
    }

    /// The NAT scenarios build their own lab of routers and homes.
    private func natScenario(binaries: Binaries, say: @escaping @Sendable (String) -> Void)
        -> (() throws -> Outcome)?
    {
        switch self {
        case .natCone: { try NATConeScenario(publicHosts: 2, say: say, binaries: binaries).run() }
        case .natConeOnePublic: { try NATConeScenario(publicHosts: 1, say: say, binaries: binaries).run() }
        case .natSymmetric: { try NATSymmetricScenario(say: say, binaries: binaries).run() }
        case .natKeepalive: { try NATKeepaliveScenario(say: say, binaries: binaries).run() }
        case .nearbyLAN: { try NearbyHomeLANScenario(say: say, binaries: binaries).run() }
        default: nil
        }
    }

    private func report(_ outcome: Outcome, say: @Sendable (String) -> Void) {
        for (key, value) in outcome.figures.sorted(by: { $0.key < $1.key }) { say("\(key) = \(Self.format(value))") }
        for failure in outcome.failures { say("FAILED: \(failure)") }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
    }
}

/// Rounds seconds to hundredths for the report.
func seconds(_ interval: TimeInterval) -> Double { (interval * 100).rounded() / 100 }
