import ArgumentParser
import GrapevineCLI
import Testing

/// The last resort of `CommandRunner`: an error of no module of ours is still one line that says what to do.
@Suite struct UnexpectedErrorTests {
    struct Oops: Error {}

    struct Failing: ParsableCommand {
        func run() throws { throw Oops() }
    }

    @Test("an unexpected error is one `error:` line with what to do, exit 1")
    func anUnexpectedErrorIsOneLine() {
        let out = BufferedOutput()
        let err = BufferedOutput()
        let context = CLIContext(environment: [:], physicalMillis: { 0 }, output: out, errorOutput: err)
        #expect(CommandRunner.run(Failing.self, arguments: [], context: context) == 1)
        #expect(err.text == "error: unexpected failure (Oops()): run the command again with --log-level debug, and report it if it happens again\n")
        #expect(out.text.isEmpty)
    }
}
