import ArgumentParser
import Foundation
import GrapevineCLI
import GrapevineCore
import GrapevineStore
import VCard

struct CardImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Set my card from a vCard file (2.1, 3.0 or 4.0).",
        discussion: """
            Fields the vCard does not have are cleared, and named as cleared. Each property that is \
            skipped or cut to fit the card's limits (a PHOTO, an overlong NOTE, more than 8 values) \
            is reported by name. A file with several cards imports the first. Files over 1 MiB are \
            refused unread.

            Example:
              grapevine card import ~/Downloads/jeff.vcf
            """)

    /// The largest file `card import` reads: a whole card's fields fit in a few kilobytes, and
    /// a phone's export of one contact with its photo in well under a megabyte.
    static let maxFileBytes = 1 << 20

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: JSONOption

    @Argument(help: ArgumentHelp("The vCard file.", valueName: "file.vcf"))
    var file: String

    @Option(name: .long, help: ArgumentHelp(
        "Who may read it: public (everyone) or connections (only my mutual connections; the network carries it sealed). For every field imported. Default: what each field has now, else connections for email and tel and public for the rest.",
        valueName: "public|connections"))
    var visibility: String?

    struct Result: Encodable {
        /// Every field whose value changed, the cleared ones included.
        var changed: [String]
        /// The changed fields that are now empty because the vCard has nothing for them.
        var cleared: [String]
        var notes: [String]
    }

    func run() throws {
        let bytes = try BoundedFile.read(file, atMost: Self.maxFileBytes, purpose: "card import")
        let parsed = try VCardParser().parse(Data(bytes))
        guard let vCard = parsed.cards.first else {
            throw CLIError("\(file) holds no vCard: export a contact as .vcf and try again")
        }
        var notes = parsed.warnings.map { "vCard \($0.description)" }
        if parsed.cards.count > 1 {
            notes.append("\(file) holds \(parsed.cards.count) cards: imported the first (\(vCard.formattedName ?? "no FN"))")
        }
        let imported = VCardImport(vCard)
        notes += imported.notes
        let asked = try CardEditing.visibility(visibility)
        let session = try options.open()
        var updates: [FieldEdit] = []
        var trimmed: [String] = []
        try session.editCard { card throws(CLIError) in
            trimmed = []
            updates = imported.fields.map { update in
                let visibility = CardEditing.visibility(asked, field: update.field, current: card[update.field])
                guard visibility == .connections else {
                    return FieldEdit(field: update.field, values: update.values, visibility: visibility)
                }
                let kept = CardEditing.fittingSealed(update.values)
                if kept.count < update.values.count {
                    trimmed.append("\(update.field) values are too long together for a connections-only field (\(CardSealing.maxPlaintextLength) bytes sealed): kept the first \(kept.count) of \(update.values.count)")
                }
                return FieldEdit(field: update.field, values: kept, visibility: visibility)
            }.filter { edit in
                let current = card[edit.field]
                return (current?.values ?? []) != edit.values || (!edit.values.isEmpty && current?.visibility != edit.visibility)
            }
            return updates
        }
        notes += trimmed
        let result = Result(changed: updates.map(\.field), cleared: updates.filter(\.values.isEmpty).map(\.field),
                            notes: notes)
        if output.json {
            try session.printJSON(result)
            return
        }
        for note in notes { session.context.print("note: " + note) }
        let set = updates.filter { !$0.values.isEmpty }.map(\.field)
        guard !updates.isEmpty else {
            session.context.print("my card already matches \(file); nothing changed")
            return
        }
        var parts: [String] = []
        if !set.isEmpty { parts.append("set " + set.joined(separator: ", ")) }
        if !result.cleared.isEmpty { parts.append("cleared " + result.cleared.joined(separator: ", ") + " (not in the vCard)") }
        session.context.print("imported \(file): " + parts.joined(separator: "; "))
    }
}
