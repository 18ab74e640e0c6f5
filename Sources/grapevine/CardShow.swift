import Foundation
import ArgumentParser
import GrapevineCLI
import GrapevineCore

struct CardShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show my card, or the card of WHO.",
        discussion: """
            WHO is me, an identity or fingerprint, a unique prefix of either, or a unique display name. \
            Each field shows who may read it: public, or connections (sealed for my mutual connections). \
            Someone else's connections-only fields show as (private) unless they granted me their key.

            Example:
              grapevine card show
              grapevine card show Kristina --json
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "Whose card (default: mine).")
    var who: String?

    func run() throws {
        let session = try options.open()
        let resolver = try session.resolver()
        let identity = try who.map { try resolver.resolve($0).identity } ?? session.me
        let card = try session.openCard(identity)
        if output.json {
            try session.printJSON(CardJSON(id: identity, card: card))
            return
        }
        session.context.print(resolver.names.label(identity))
        session.context.print(identity.text)
        let rows = CardFields.all.flatMap { spec -> [[String]] in
            guard let field = card.fields.first(where: { $0.field == spec.name }) else { return [] }
            let visibility = field.visibility.rawValue
            switch field.access {
            case .private?: return [[spec.name, "(private)", visibility]]
            case .unreadable?: return [[spec.name, "(unreadable)", visibility]]
            default:
                return field.values.enumerated().map { index, item in
                    [index == 0 ? spec.name : "",
                     NameText.escaped(item.value.replacingOccurrences(of: "\n", with: " ⏎ ")).text
                        + (item.type.isEmpty ? "" : " (\(item.type))"),
                     index == 0 ? visibility : ""]
                }
            }
        }
        if rows.isEmpty {
            session.context.print("the card is empty: set fields with `grapevine card set FIELD VALUE`")
        } else {
            session.context.print(TextTable(rows: rows).text)
        }
        let hidden = card.fields.filter { $0.access == .private }.count
        if hidden > 0 {
            session.context.print("\(hidden) private field\(hidden == 1 ? "" : "s"): only \(resolver.names.label(identity))'s mutual connections can read \(hidden == 1 ? "it" : "them")")
        }
    }
}
