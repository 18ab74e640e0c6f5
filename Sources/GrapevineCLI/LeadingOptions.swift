import ArgumentParser

/// Options that every subcommand declares and that may also be written before the subcommand,
/// as `git -C DIR status` takes its options: `grapevine --home /tmp/jeff init --name Jeff`.
///
/// The parser reads a subcommand's options only after the subcommand's name, so `hoist` moves the
/// common options found before it to just after it. The command line means the same, every
/// subcommand keeps its own `--help`, and a flag a subcommand does not take (`--json` on `run`)
/// is still reported as unknown by that subcommand.
public struct LeadingOptions: Sendable {
    /// Options that take a value, written `--home DIR` or `--home=DIR`.
    public var valued: [String]
    /// Flags without a value, such as `--json`.
    public var flags: [String]

    public init(valued: [String], flags: [String]) {
        self.valued = valued
        self.flags = flags
    }

    /// `arguments` with the common options that precede the subcommand's name moved to follow it.
    /// A command line without a subcommand, or without such options, is returned unchanged.
    public func hoist(_ arguments: [String], root: any ParsableCommand.Type) -> [String] {
        var path: [String] = []
        var moved: [String] = []
        var command = root
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            if valued.contains(token) {
                moved += arguments[index..<min(index + 2, arguments.count)]
                index += 2
            } else if flags.contains(token) || valued.contains(where: { token.hasPrefix($0 + "=") }) {
                moved.append(token)
                index += 1
            } else if let sub = command.configuration.subcommands.first(where: {
                $0._commandName == token || $0.configuration.aliases.contains(token)
            }) {
                path.append(token)
                command = sub
                index += 1
            } else {
                break
            }
        }
        guard !path.isEmpty, !moved.isEmpty else { return arguments }
        return path + moved + arguments[min(index, arguments.count)...]
    }
}

/// A root command whose subcommands share `leadingOptions`; `CommandRunner` hoists them.
public protocol LeadingOptionsCommand: ParsableCommand {
    static var leadingOptions: LeadingOptions { get }
}
