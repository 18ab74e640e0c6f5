import ArgumentParser
import GrapevineCLI
import GrapevineCore
import Logging

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// The options every command takes: where the home is and how much to log.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The home directory holding the identity and store (default: $GRAPEVINE_HOME, else ~/.grapevine).",
        valueName: "dir"))
    var home: String?

    @Option(name: .long, help: "How much to log to standard error.")
    var logLevel: Logger.Level = .warning

    var context: CLIContext { CLIContext.current }

    var resolvedHome: GrapevineHome {
        GrapevineHome.resolve(option: home, environment: context.environment)
    }

    var logger: Logger { CLILogHandler.logger(level: logLevel, context: context) }

    /// Opens the home's identity and store.
    func open() throws -> HomeSession {
        try HomeSession.open(home: resolvedHome, context: context, logger: logger)
    }
}

/// `--json`, for commands whose output is data.
struct JSONOption: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text (shapes in docs/CLI.md).")
    var json = false
}

extension HomeSession {
    /// Prints `value` as JSON.
    func printJSON<T: Encodable>(_ value: T) throws {
        context.print(try JSONOutput.encode(value))
    }

    /// The line a write prints about whom it resolved, with the fingerprint, because a display
    /// name may have been chosen to impersonate someone.
    func describe(_ identity: PublicIdentity, _ resolver: WhoResolver) -> String {
        resolver.names.label(identity)
    }
}
