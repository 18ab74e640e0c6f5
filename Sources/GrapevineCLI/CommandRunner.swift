import ArgumentParser

/// Runs a command line in a given context and turns every outcome into an exit code, so no
/// error ever reaches the user as a stack trace or a Swift type name.
public enum CommandRunner {
    /// Parses `arguments` (without the program name) against `root`, runs the command with
    /// `context` bound, and returns the process exit code.
    public static func run<Root: ParsableCommand>(_ root: Root.Type, arguments: [String], context: CLIContext) -> Int32 {
        do {
            var command = try root.parseAsRoot(hoisted(arguments, root: root))
            try CLIContext.$current.withValue(context) {
                try command.run()
            }
            return 0
        } catch {
            return exitCode(for: error, root: root, context: context)
        }
    }

    /// The same for a command line that may hold an `AsyncParsableCommand` (such as `run`, the node).
    public static func run<Root: ParsableCommand>(_ root: Root.Type, arguments: [String], context: CLIContext) async
        -> Int32
    {
        do {
            var command = try root.parseAsRoot(hoisted(arguments, root: root))
            try await CLIContext.$current.withValue(context) {
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            }
            return 0
        } catch {
            return exitCode(for: error, root: root, context: context)
        }
    }

    /// The command line with the root's common options moved after the subcommand, if it has any.
    private static func hoisted<Root: ParsableCommand>(_ arguments: [String], root: Root.Type) -> [String] {
        guard let shared = root as? any LeadingOptionsCommand.Type else { return arguments }
        return shared.leadingOptions.hoist(arguments, root: root)
    }

    private static func exitCode<Root: ParsableCommand>(for error: any Error, root: Root.Type, context: CLIContext)
        -> Int32
    {
        switch error {
        case let code as ExitCode:
            return code.rawValue
        default:
            if let failure = CLIError.from(error) {
                context.printError("error: " + failure.message)
                for line in failure.details { context.printError(line) }
                return failure.exitCode
            }
            let code = root.exitCode(for: error)
            if code == .failure {
                // Not a usage error (64) nor help (0): an error of no module of ours, which the
                // parser would print as a bare type description. Say what to do with it.
                context.printError("error: unexpected failure (\(error)): run the command again with --log-level debug, and report it if it happens again")
                return code.rawValue
            }
            let message = root.fullMessage(for: error)
            if code == .success {
                context.print(message)
            } else {
                context.printError(message)
            }
            return code.rawValue
        }
    }
}
