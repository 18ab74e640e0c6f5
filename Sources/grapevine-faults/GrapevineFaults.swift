import ArgumentParser

@main
struct GrapevineFaults: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grapevine-faults",
        abstract: "Fault scenarios on network namespaces, and the misbehaving peers they use (test only; needs root).",
        discussion: """
            `make faults` runs every scenario and writes docs/reliability.json; `make test` runs \
            loss30, partition, crash and liar. See docs/RELIABILITY.md.
            """,
        subcommands: [RunScenarios.self, Push.self, Flood.self])
}
