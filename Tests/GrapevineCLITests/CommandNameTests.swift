import ArgumentParser
@testable import grapevine
import Testing

/// A command without a `commandName` is named from its type at run time, and the parser asks for
/// the names of many commands on every start: each is a type-to-text conversion that scans the
/// runtime's protocol conformances, paid by every `grapevine` process before it does anything.
@Suite struct CommandNameTests {
    @Test("every command and subcommand states its own name")
    func everyCommandStatesItsName() {
        var unnamed: [String] = []
        var queue: [any ParsableCommand.Type] = [Grapevine.self]
        while let command = queue.popLast() {
            if command.configuration.commandName == nil { unnamed.append("\(command)") }
            queue += command.configuration.subcommands
        }
        #expect(unnamed.isEmpty, "named from their types: \(unnamed.sorted())")
    }
}
