import ArgumentParser
import Foundation
import GrapevineCLI
import GrapevineCore
import GrapevineStore

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one card with per-field provenance: stamp, entry, and superseded values.",
        discussion: """
            --history also lists the values each field held before, as this node saw them. \
            Connections-only fields show their values when their owner granted me the key, and \
            (private) otherwise; old values stay readable with the keys this node kept.

            Example:
              grapevine show Jeff
              grapevine show Jeff --history
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: "me, an identity or fingerprint, a unique prefix of either, or a unique display name.")
    var who: String

    @Flag(name: .long, help: "Also show the values each field held before.")
    var history = false

    func run() throws {
        let session = try options.open()
        let resolver = try session.resolver()
        let identity = try resolver.resolve(who).identity
        let card = try session.openCard(identity)
        let connections = try session.reader.mutualConnections(of: identity)
        let person = resolver.names.person(identity)
        if output.json {
            try session.printJSON(ShowJSON(person, fields: card.fields, connections: connections))
            return
        }
        let context = session.context
        context.print(person.label)
        context.print(identity.text)
        var rows: [[String]] = []
        for field in card.fields {
            rows.append([field.field, Self.text(field.values, access: field.access), StampText.human(field.stamp),
                         String(field.entryID.hex.prefix(12))])
            guard history else { continue }
            for old in field.superseded {
                rows.append(["  was", Self.text(old.values, access: old.access), StampText.human(old.stamp),
                             String(old.entryID.hex.prefix(12))])
            }
        }
        if rows.isEmpty {
            context.print("no card fields known")
        } else {
            context.print(TextTable(header: ["FIELD", "VALUE", "STAMP", "ENTRY"], rows: rows).text)
        }
        let names = connections.map { session.describe($0, resolver) }
        context.print("mutual connections: " + (names.isEmpty ? "none" : names.joined(separator: ", ")))
        let hidden = card.fields.filter { $0.access == .private }.count
        if hidden > 0 {
            context.print("\(hidden) private field\(hidden == 1 ? "" : "s"): only \(person.label)'s mutual connections can read \(hidden == 1 ? "it" : "them")")
        }
    }

    /// A value as a row shows it; a sealed one says so, and whether this node could open it.
    static func text(_ values: [CardItem], access: FieldAccess?) -> String {
        switch access {
        case .private?: return "(private)"
        case .unreadable?: return "(unreadable)"
        case .readable?: return text(values) + " [connections]"
        case nil: return text(values)
        }
    }

    static func text(_ values: [CardItem]) -> String {
        guard !values.isEmpty else { return "(cleared)" }
        return values.map { value in
            let text = NameText.escaped(value.value.replacingOccurrences(of: "\n", with: " ⏎ ")).text
            return value.type.isEmpty ? text : "\(text) (\(value.type))"
        }.joined(separator: "; ")
    }
}
