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
        let session = try options.open()
        var updates: [CardUpdate] = []
        try session.editCard { card throws(CLIError) in
            updates = imported.fields.filter { (card[$0.field] ?? []) != $0.values }
            return updates
        }
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
