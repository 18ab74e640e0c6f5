import ArgumentParser
import FaultHarness
import Foundation

struct RunScenarios: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run fault scenarios, print their figures and merge them into a results file.",
        discussion: "Example: grapevine-faults run loss30 partition --results docs/reliability.json")

    @Argument(help: ArgumentHelp("Scenarios to run (default: all): \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).",
                                 valueName: "scenario"))
    var scenarios: [String] = []

    @Option(name: .long, help: ArgumentHelp("Merge the figures into this JSON file.", valueName: "path"))
    var results: String?

    func run() throws {
        if let reason = Lab.unavailableReason {
            print("grapevine-faults: cannot run fault scenarios: \(reason)")
            throw ExitCode(2)
        }
        let chosen = try (scenarios.isEmpty ? Scenario.allCases.map(\.rawValue) : scenarios).map { name in
            guard let scenario = Scenario(rawValue: name) else {
                throw ValidationError("unknown scenario \(name); choose from \(Scenario.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return scenario
        }
        let binaries = Binaries(besides: CommandLine.arguments[0])
        var figures: [String: Double] = [:]
        var failed: [String] = []
        for scenario in chosen {
            let outcome: Scenario.Outcome
            do {
                // Unbuffered, so progress shows as it happens also when standard output is a pipe.
                outcome = try scenario.run(binaries: binaries) { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
            } catch {
                print("[\(scenario.rawValue)] could not run: \(error)")
                failed.append(scenario.rawValue)
                continue
            }
            figures.merge(outcome.figures) { $1 }
            if !outcome.passed { failed.append(scenario.rawValue) }
        }
        if let results {
            try ReliabilityReport.merge(figures, of: chosen, into: results)
            print("figures written to \(results)")
        }
        if !failed.isEmpty {
            print("failed: \(failed.joined(separator: ", "))")
            throw ExitCode.failure
        }
        print("all \(chosen.count) scenarios passed")
    }
}
