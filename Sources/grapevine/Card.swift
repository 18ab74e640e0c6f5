import ArgumentParser

struct Card: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Edit and show my card.",
        discussion: """
            Fields: fn, n, org, title, role, note, locality (single values) and email, tel, url, \
            impp, categories (up to 8 values each).

            Example:
              grapevine card set title "Marketing director"
              grapevine card add email jeff@example.com --type work
              grapevine card remove email jeff@example.com
              grapevine card show
            """,
        subcommands: [CardSet.self, CardAdd.self, CardRemove.self, CardClear.self, CardShow.self, CardImport.self])
}
