import Foundation
import GrapevineCLI
import GrapevineCore
import GrapevineStore
import Sodium
import Testing

/// Reading someone's connections-only fields (PROTOCOL.md §5.9): what their grant to me opens, what
/// stays private, and what my key does not open.
@Suite struct PrivateFieldCommandTests {
    let ann = Peer(1, name: "Ann")
    let key = CardKey(bytes: [UInt8](repeating: 9, count: 32))!

    /// Ann's card as Jeff's store receives it: tel sealed under the key she granted Jeff, email
    /// under a key Jeff never got, org as noise under the granted key's id.
    func annsEntries(grantedTo jeff: PublicIdentity) throws -> [SignedEntry] {
        let other = CardKey(bytes: [UInt8](repeating: 8, count: 32))!
        let tel = try CardSealing.seal([CardItem("+1 555 0100", type: "cell")], field: "tel", author: ann.id, key: key,
                                       nonce: [UInt8](repeating: 1, count: 24))
        let email = try CardSealing.seal([CardItem("ann@example.org")], field: "email", author: ann.id, key: other,
                                         nonce: [UInt8](repeating: 2, count: 24))
        let noise = try #require(SealedValue(bytes: key.id + [UInt8](repeating: 3, count: 24) + [UInt8](repeating: 4, count: 80)))
        let grant = try #require(CardSealing.grant(key, to: jeff, ephemeralSeed: [UInt8](repeating: 5, count: 32)))
        return try ann.entries(connectedTo: [jeff]) + [
            ann.sign(.card(CardUpdate(field: "tel", sealed: tel))),
            ann.sign(.card(CardUpdate(field: "email", sealed: email))),
            ann.sign(.card(CardUpdate(field: "org", sealed: noise))),
            ann.sign(.grant(grant)),
        ]
    }

    @Test("card show, show, contacts and export open what Ann's grant to me opens, and mark the rest (private) or (unreadable)")
    func readingGrantedFields() throws {
        let (home, me) = try TestHome.create("Jeff")
        try home.ingest(try annsEntries(grantedTo: me))

        let card = try #require(try TestHome.json(home.run("card", "show", "Ann", "--json")) as? [String: Any])
        let fields = try #require(card["fields"] as? [String: [[String: String]]])
        #expect(fields["tel"] == [["type": "cell", "value": "+1 555 0100"]])
        #expect(fields["email"] == nil && fields["org"] == nil)
        #expect(card["privateFields"] as? [String] == ["email"])
        #expect(card["unreadableFields"] as? [String] == ["org"])
        #expect((card["visibility"] as? [String: String])?["fn"] == "public")

        let text = home.run("card", "show", "Ann").stdout
        #expect(text.contains("+1 555 0100 (cell)") && text.contains("(private)") && text.contains("(unreadable)"))
        #expect(text.contains("1 private field: only Ann"))
        let show = home.run("show", "Ann").stdout
        #expect(show.contains("+1 555 0100 (cell) [connections]") && show.contains("(private)"))

        let contacts = home.run("contacts")
        #expect(contacts.stdout.contains("PRIVATE") && contacts.stdout.contains("(2 private)"))
        let rows = try #require(try TestHome.json(home.run("contacts", "--json")) as? [[String: Any]])
        #expect(rows.first { $0["name"] as? String == "Ann" }?["privateFields"] as? Int == 2)

        let vcard = home.run("export", "Ann").stdout
        #expect(vcard.contains("+1 555 0100") && !vcard.contains("ann@example.org"))

        // The key Ann's grant held is remembered, so it still opens tel after her grant is gone.
        let store = try home.openStore()
        let keyFile = try KeyFile.load(from: GrapevineHome(path: home.path).keyFilePath)
        #expect(try store.reader.cardKeys(for: ann.id, signingKey: keyFile).contains(key))
        #expect(try store.reader.hasUnlearntGrant(to: keyFile) == false)
    }

    @Test("my own card shows each field's visibility; tel is for connections by default and --visibility public makes it public")
    func myCardShowsVisibility() throws {
        let (home, _) = try TestHome.create("Jeff")
        #expect(home.run("card", "set", "tel", "+1 555 0199").stdout == "tel set, for connections only\n")
        #expect(home.run("card", "set", "title", "Director").stdout == "title set\n")
        let card = try #require(try TestHome.json(home.run("card", "show", "--json")) as? [String: Any])
        #expect(card["visibility"] as? [String: String] == ["fn": "public", "tel": "connections", "title": "public"])
        #expect((card["fields"] as? [String: [[String: String]]])?["tel"]?.first?["value"] == "+1 555 0199")
        let text = home.run("card", "show").stdout
        #expect(text.contains("+1 555 0199") && text.contains("connections"))
        #expect(home.run("card", "set", "tel", "+1 555 0199", "--visibility", "public").code == 0)
        let after = try #require(try TestHome.json(home.run("card", "show", "--json")) as? [String: Any])
        #expect((after["visibility"] as? [String: String])?["tel"] == "public")
        #expect(home.run("card", "set", "tel", "x", "--visibility", "friends").stderr.contains("must be public (everyone) or connections"))
        let store = try home.openStore()
        #expect(try store.reader.search("Director").count == 1)
    }
}
