import ArgumentParser
import Foundation
import GrapevineCLI
import GrapevineCore
import VCard

extension VCardFormat: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export cards as vCard 4.0, vCard 3.0 or jCard, for phones, Thunderbird and Outlook.",
        discussion: """
            Without WHO, every card in the store. UID is urn:grapevine:<identity>, REV the card's last \
            stamp, and mutual connections are RELATED (X-RELATED in 3.0). Use vcard3 for Outlook and \
            older phones. Connections-only fields are exported when their owner granted me the key, and \
            left out otherwise.

            Example:
              grapevine export > contacts.vcf
              grapevine export --format vcard3 Jeff Kristina --output two.vcf
              grapevine export --format jcard
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "vcard4, vcard3 or jcard.")
    var format: VCardFormat = .vcard4

    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Argument(help: "Whose cards (default: all).")
    var who: [String] = []

    func run() throws {
        let session = try options.open()
        let resolver = try session.resolver()
        var identities: [PublicIdentity] = []
        for text in who {
            let identity = try resolver.resolve(text).identity
            if !identities.contains(identity) { identities.append(identity) }
        }
        if who.isEmpty {
            identities = try session.reader.contacts().map(\.identity)
        }
        let cards = try identities.map { identity in
            VCardExportMapping.vCard(
                identity: identity, fields: CardEditing.values(of: try session.openCard(identity)),
                revision: try session.reader.cardRevision(of: identity),
                connections: try session.reader.mutualConnections(of: identity))
        }
        let text = format.serialize(cards)
        guard let output else {
            session.context.output.write(text.hasSuffix("\n") ? text : text + "\n")
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            throw CLIError("cannot write \(output): check that its folder exists and is writable")
        }
        session.context.printError("wrote \(cards.count) card\(cards.count == 1 ? "" : "s") to \(output)")
    }
}
