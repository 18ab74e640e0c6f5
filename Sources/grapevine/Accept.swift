import ArgumentParser
import GrapevineCore

struct Accept: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Accept an introduction, and connect to the other person.",
        discussion: """
            INTRO is the introduction's id or a unique prefix of it, from `grapevine intros`. The \
            fingerprints of the introducer and of the other person are printed: check them.

            \(Answering.rule)

            Example:
              grapevine accept 3fa9c2
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "The introduction's id or a unique hex prefix of it.")
    var intro: String

    func run() throws {
        try Answering.answer(intro, .accept, options: options, json: output.json)
    }
}
