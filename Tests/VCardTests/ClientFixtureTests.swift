import Foundation
import Testing
@testable import VCard

/// Each client's export, read with its quirks: the values a user would see must come out right.
@Suite("Client fixtures")
struct ClientFixtureTests {
    @Test("every client fixture parses without warnings and keeps FN", arguments: Fixture.allCases)
    func cleanFixtures(_ fixture: Fixture) throws {
        let result = try fixture.parse()
        #expect(!result.cards.isEmpty)
        #expect(result.warnings.filter { !isExpectedQuirk($0, in: fixture) } == [])
        for card in result.cards {
            #expect(card.formattedName?.isEmpty == false)
        }
    }

    /// Android's custom-label parameter is not a valid parameter name and is dropped on purpose;
    /// Outlook 2003 writes raw windows-1252 without a CHARSET, which is read but reported.
    private func isExpectedQuirk(_ warning: VCardWarning, in fixture: Fixture) -> Bool {
        switch (warning.kind, fixture) {
        case (.invalidParameter, .android), (.notUTF8, .outlook2003): true
        default: false
        }
    }

    @Test("Apple Contacts: item groups with X-ABLabel, escaped URL colon, folded base64 PHOTO")
    func appleContacts() throws {
        let card = try #require(try Fixture.appleContacts.parse().cards.first)
        #expect(card.version == .v3_0)
        #expect(card.formattedName == "Dr. Johnny Q. Appleseed Jr.")
        #expect(card.first("N")?.components == ["Appleseed", "Johnny", "Q.", "Dr.", "Jr."])
        #expect(card.first("ORG")?.components == ["Example Fruit Co.", "Orchards, North"])

        let email = try #require(card.properties(named: "EMAIL").first)
        #expect(email.group == "item1")
        #expect(email.value == "johnny@example.com")
        #expect(email.types == ["internet"])
        #expect(email.preference == 1)
        #expect(card.label(of: email) == "_$!<Other>!$_")

        let url = try #require(card.first("URL"))
        #expect(url.value == "https://example.com/johnny")
        #expect(card.first("NOTE")?.value
                == "Likes apples, pears; and plums.\nSecond line \\ with a backslash.")
        #expect(card.first("BDAY")?.rawValue == "19850412")
        #expect(card.first("NICKNAME")?.listValues == ["Johnny", "J"])
        #expect(card.first("CATEGORIES")?.listValues == ["Friends", "Orchard Club"])

        let adr = try #require(card.first("ADR"))
        #expect(adr.structuredValue.count == 7)
        #expect(adr.components[3] == "Cupertino")
        #expect(card.label(of: adr) == nil)

        let photo = try #require(card.first("PHOTO")?.inlineData)
        #expect(photo.mediaType == "image/jpeg")
        #expect(photo.bytes.count == 420)
        #expect(Array(photo.bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])
        #expect(card.first("PHOTO")?.parameters == [:])
    }

    @Test("iOS: two cards, IMPP with X-SERVICE-TYPE, company card, omitted birth year")
    func iOS() throws {
        let cards = try Fixture.iOS.parse().cards
        #expect(cards.count == 2)
        let person = cards[0]
        #expect(person.formattedName == "Åsa Lindqvist")
        let tels = person.properties(named: "TEL")
        #expect(tels.map(\.value) == ["+46 70 123 45 67", "+46 70 765 43 21"])
        #expect(tels[0].types == ["cell", "voice"])
        #expect(tels[0].preference == 1)
        #expect(tels[1].types == ["iphone", "cell", "voice"])
        let impp = try #require(person.first("IMPP"))
        #expect(impp.value == "skype:asa.lindqvist")
        #expect(impp.parameters["X-SERVICE-TYPE"] == ["Skype"])
        #expect(person.first("ADR")?.components[3] == "Malmö")
        #expect(person.first("BDAY")?.rawValue == "16040721")
        #expect(person.first("PHOTO")?.inlineData?.bytes.count == 200)
        #expect(cards[1].formattedName == "Nordljus AB")
        #expect(cards[1].first("X-ABSHOWAS")?.value == "COMPANY")
    }

    @Test("Android 2.1: quoted-printable UTF-8 with soft line breaks, bare types, blank-line PHOTO")
    func android() throws {
        let result = try Fixture.android.parse()
        let card = try #require(result.cards.first)
        #expect(card.version == .v2_1)
        #expect(card.formattedName == "山田 太郎")
        #expect(card.first("N")?.components == ["山田", "太郎", "", "", ""])
        #expect(card.first("NOTE")?.value == "山田さんのメモ: 会議は月曜日です。\n二行目のメモ")
        #expect(card.first("NOTE")?.parameters == [:])
        let tels = card.properties(named: "TEL")
        #expect(tels.count == 3)
        #expect(tels[0].types == ["cell"])
        #expect(tels[0].preference == 1)
        #expect(card.first("ADR")?.components == ["", "", "千代田1-1", "千代田区", "東京都", "100-0001", "日本"])
        #expect(card.first("X-ANDROID-CUSTOM")?.rawValue
                == "vnd.android.cursor.item/nickname;Taro;1;;;;;;;;;;;;;")
        #expect(card.first("BDAY")?.rawValue == "19900203")
        let photo = try #require(card.first("PHOTO")?.inlineData)
        #expect(photo.mediaType == "image/jpeg")
        #expect(photo.bytes.count == 160)
        #expect(result.warnings.map(\.line) == [8])
    }

    @Test("Gmail 3.0: several cards, INTERNET types, labelled URL, list CATEGORIES")
    func gmail() throws {
        let cards = try Fixture.gmail.parse().cards
        #expect(cards.count == 2)
        let carol = cards[0]
        #expect(carol.properties(named: "EMAIL").map(\.types) == [["internet", "home"], ["internet", "work"]])
        let url = try #require(carol.first("URL"))
        #expect(url.value == "https://carol.example.org/blog")
        #expect(carol.label(of: url) == "PROFILE")
        #expect(carol.first("ORG")?.components == ["Ng & Partners"])
        #expect(carol.first("NOTE")?.value == "Met at the conference, 2019.")
        #expect(carol.first("CATEGORIES")?.listValues == ["myContacts", "Friends"])
        #expect(cards[1].formattedName == "dave@example.net")
    }

    @Test("Outlook 2003 2.1: windows-1252 in quoted-printable and raw, bare WORK;VOICE, LABEL")
    func outlook2003() throws {
        let card = try #require(try Fixture.outlook2003.parse().cards.first)
        #expect(card.formattedName == "François Dupré")
        #expect(card.first("N")?.components == ["Dupré", "François", "", "", ""])
        #expect(card.first("ORG")?.components == ["Café Société SARL", "Ventes"])
        #expect(card.first("NOTE")?.value == "Tarif € 12,50 – voir “devis”.\nDeuxième ligne.")
        let tels = card.properties(named: "TEL")
        #expect(tels.map(\.types) == [["work", "voice"], ["home", "voice"], ["cell", "voice"], ["work", "fax"]])
        #expect(card.first("LABEL")?.value == "12 rue de la Paix\nParis 75002\nFrance")
        #expect(card.first("LABEL")?.types == ["work"])
        let email = try #require(card.first("EMAIL"))
        #expect(email.types == ["internet"])
        #expect(email.preference == 1)
        #expect(card.first("REV")?.rawValue == "20031105T143000Z")
    }

    @Test("Outlook 2007 2.1: LANGUAGE on N, QP LABEL with soft break mid-word, indented base64")
    func outlook2007() throws {
        let card = try #require(try Fixture.outlook2007.parse().cards.first)
        let n = try #require(card.first("N"))
        #expect(n.parameters["LANGUAGE"] == ["en-us"])
        #expect(n.components.prefix(2) == ["Okafor", "Chidi"])
        #expect(card.first("LABEL")?.value
                == "1 Microsoft Way\r\nRedmond, WA 98052\r\nUnited States of America".replacingOccurrences(of: "\r\n", with: "\n"))
        #expect(card.first("ADR")?.types == ["work"])
        #expect(card.first("ADR")?.preference == 1)
        #expect(card.first("PHOTO")?.inlineData?.bytes.count == 230)
        #expect(card.first("X-MS-IMADDRESS")?.value == "chidi@im.northwind.example")
        #expect(card.first("X-MS-OL-DESIGN")?.value.hasPrefix("<card xmlns=") == true)
    }

    @Test("Evolution 3.0: X-EVOLUTION properties, repeated TYPE, non-URI UID, LABEL")
    func evolution() throws {
        let card = try #require(try Fixture.evolution.parse().cards.first)
        #expect(card.first("X-EVOLUTION-FILE-AS")?.value == "Kowalski, Marta")
        let tel = try #require(card.first("TEL"))
        #expect(tel.types == ["work", "voice"])
        #expect(tel.parameters["X-EVOLUTION-UI-SLOT"] == ["1"])
        let uid = try #require(card.first("UID"))
        #expect(uid.value == "pas-id-65A0B1C2D3E4F500")
        #expect(uid.parameters["VALUE"] == ["text"])
        #expect(card.first("LABEL")?.value == "ul. Marszałkowska 1\nWarszawa 00-001\nPolska")
        #expect(card.first("NOTE")?.value == "Prefers e-mail; calls only in emergencies.")
        #expect(card.first("REV")?.rawValue == "20240115T102030Z")
    }

    @Test("Lotus Notes 3.0: CHARSET on 3.0 lines, quoted TYPE lists, lower-case names, tab folding")
    func lotusNotes() throws {
        let card = try #require(try Fixture.lotusNotes.parse().cards.first)
        #expect(card.formattedName == "Bjørn Ødegaard")
        #expect(card.first("ORG")?.components == ["Fjord Systems ASA", "IT"])
        #expect(card.first("TITLE")?.value == "Notes Administrator")
        let email = try #require(card.first("EMAIL"))
        #expect(email.types == ["internet", "work"])
        #expect(email.preference == 1)
        #expect(card.first("TEL")?.types == ["work", "voice"])
        #expect(card.first("ADR")?.types == ["work", "postal"])
        #expect(card.first("NOTE")?.value == "This note is folded with atab by the Notes client and continues.")
        #expect(card.first("N")?.parameters == [:])
    }

    @Test("Thunderbird 4.0: PREF, VALUE=URI TEL, caret-encoded LABEL, data: URI PHOTO, folded UTF-8")
    func thunderbird() throws {
        let card = try #require(try Fixture.thunderbird.parse().cards.first)
        #expect(card.version == .v4_0)
        #expect(card.first("N")?.structuredValue == [["Schröder"], ["Lena"], ["Marie", "Sophie"], ["Dr."], [""]])
        #expect(card.properties(named: "EMAIL").map(\.preference) == [1, nil])
        let tels = card.properties(named: "TEL")
        #expect(tels[0].kind == .text)
        #expect(tels[1].kind == .uri)
        #expect(tels[1].value == "tel:+49-30-1234567")
        let adr = try #require(card.first("ADR"))
        #expect(adr.parameters["LABEL"] == ["Unter den Linden 6\n10117 Berlin\nGermany"])
        #expect(card.first("UID")?.value == "urn:uuid:7d0c55a0-0f3e-4b51-9b8a-4d1f0c2e3a11")
        #expect(card.first("NOTE")?.value == "Erste Zeile\nZweite Zeile mit Komma, und Semikolon; und Umlauten äöüß, die ausreichend lang ist, um gefaltet zu werden.")
        #expect(card.first("PHOTO")?.inlineData?.bytes.count == 120)
        #expect(card.first("ANNIVERSARY")?.rawValue == "--0615")
        #expect(card.first("RELATED")?.types == ["colleague"])
    }
}
