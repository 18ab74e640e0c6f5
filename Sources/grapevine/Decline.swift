import ArgumentParser
import GrapevineCore

struct Decline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decline",
        abstract: "Decline an introduction.",
        discussion: """
            INTRO is the introduction's id or a unique prefix of it, from `grapevine intros`.

            \(Answering.rule)

            Example:
              grapevine decline 3fa9c2
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "The introduction's id or a unique hex prefix of it.")
    var intro: String

    func run() throws {
        try Answering.answer(intro, .decline, options: options, json: output.json)
    }
}
