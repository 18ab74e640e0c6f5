import ArgumentParser
import Foundation
import GrapevineCLI
import GrapevineCore
import VCard

struct CardImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Set my card from a vCard file (2.1, 3.0 or 4.0).",
        discussion: """
            Fields the vCard does not have are cleared. Each property that is skipped or cut to fit \
            the card's limits (a PHOTO, an overlong NOTE, more than 8 values) is reported by name. \
            A file with several cards imports the first.

            Example:
              grapevine card import ~/Downloads/jeff.vcf
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: ArgumentHelp("The vCard file.", valueName: "file.vcf"))
    var file: String

    struct Result: Encodable {
        var changed: [String]
        var notes: [String]
    }

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CLIError("cannot read \(file): check the path and that it is a readable file")
        }
        let parsed = try VCardParser().parse(data)
        guard let vCard = parsed.cards.first else {
            throw CLIError("\(file) holds no vCard: export a contact as .vcf and try again")
        }
        var notes = parsed.warnings.map { "vCard \($0.description)" }
        if parsed.cards.count > 1 {
            notes.append("\(file) holds \(parsed.cards.count) cards: imported the first (\(vCard.formattedName ?? "no FN"))")
        }
        let imported = VCardImport(vCard)
        notes += imported.notes
        let session = try options.open()
        let current = CardEditing.values(of: try session.store.card(session.me))
        var changed: [String] = []
        for update in imported.fields where (current[update.field] ?? []) != update.values {
            try session.write(.card(update))
            changed.append(update.field)
        }
        if output.json {
            try session.printJSON(Result(changed: changed, notes: notes))
            return
        }
        for note in notes { session.context.print("note: " + note) }
        if changed.isEmpty {
            session.context.print("my card already matches \(file); nothing changed")
        } else {
            session.context.print("imported \(file): changed \(changed.joined(separator: ", "))")
        }
    }
}
