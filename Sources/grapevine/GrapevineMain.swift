import Foundation
import GrapevineCLI

/// The process entry point: runs the command line with the real context and exits with its code.
@main
enum GrapevineMain {
    static func main() async {
        let code = await CommandRunner.run(Grapevine.self, arguments: Array(CommandLine.arguments.dropFirst()), context: .live)
        exit(code)
    }
}
