import Testing
import Sodium
@testable import GrapevineCore

@Suite("Invites")
struct InviteTests {
    let key = Ed25519.SigningKey(seed: [UInt8](repeating: 4, count: 32))!

    func endpointEntry() throws -> SignedEntry {
        try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: [127, 0, 0, 1], port: 7474)])),
                             stamp: HLCStamp(millis: 1_000, counter: 0), with: key)
    }

    @Test("an invite round-trips and names its inviter and addresses")
    func roundTrip() throws {
        let invite = try #require(Invite(entry: try endpointEntry()))
        #expect(invite.text.hasPrefix("gvi1"))
        let parsed = try Invite(parsing: invite.text)
        #expect(parsed == invite)
        #expect(parsed.inviter == PublicIdentity(key))
        #expect(parsed.endpoint.addresses.first?.port == 7474)
    }

    @Test("an invite wrapped over lines or in upper case still reads")
    func whitespaceAndCase() throws {
        let text = try #require(Invite(entry: try endpointEntry())).text
        var wrapped = ""
        for (i, c) in text.enumerated() {
            wrapped.append(c)
            if i % 40 == 39 { wrapped.append("\n  ") }
        }
        #expect(try Invite(parsing: "  " + wrapped + "\n").text == text)
        #expect(try Invite(parsing: text.uppercased()).text == text)
    }

    @Test("a typo, a truncation or another kind of entry is refused with a reason")
    func refusals() throws {
        let text = try #require(Invite(entry: try endpointEntry())).text
        var typo = Array(text)
        typo[30] = typo[30] == "a" ? "b" : "a"
        #expect(throws: InviteError.checksumMismatch) { try Invite(parsing: String(typo)) }
        #expect(throws: InviteError.self) { try Invite(parsing: String(text.dropLast(5))) }
        #expect(throws: InviteError.missingPrefix) { try Invite(parsing: "gv1" + text.dropFirst(4)) }
        #expect(throws: InviteError.notBase32) { try Invite(parsing: text + "0") }
        #expect(throws: InviteError.checksumMismatch, "a token cut short to almost nothing") {
            try Invite(parsing: "gvi1aaaa")
        }
        let card = try SignedEntry.sign(.card(CardUpdate(field: "fn", values: [CardItem("x")])),
                                        stamp: HLCStamp(millis: 1, counter: 0), with: key)
        #expect(Invite(entry: card) == nil)
        let empty = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [])), stamp: HLCStamp(millis: 1, counter: 0),
                                         with: key)
        #expect(Invite(entry: empty) == nil)
    }
}
