import Testing
import Sodium
@testable import GrapevineCore

@Suite("Identity text form")
struct IdentityTextTests {
    func identity(_ n: UInt8) -> PublicIdentity? {
        Ed25519.SigningKey(seed: [UInt8](repeating: n, count: 32)).flatMap { PublicIdentity(bytes: $0.publicKey) }
    }

    @Test("the text form round-trips, in either case and with surrounding spaces")
    func roundTrip() throws {
        for n in UInt8(1)...20 {
            let id = try #require(identity(n))
            #expect(id.text.hasPrefix("gv1"))
            #expect(id.text.count == PublicIdentity.textLength)
            #expect(try PublicIdentity(parsing: id.text) == id)
            #expect(try PublicIdentity(parsing: "  " + id.text.uppercased() + "\n") == id)
        }
    }

    @Test("every single-character typo is caught")
    func catchesTypos() throws {
        let id = try #require(identity(7))
        let chars = Array(id.text)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        for i in 3..<chars.count {
            for replacement in alphabet where replacement != chars[i] {
                var typo = chars
                typo[i] = replacement
                #expect(throws: IdentityParseError.self, "typo at \(i) accepted") {
                    try PublicIdentity(parsing: String(typo))
                }
            }
        }
    }

    @Test("malformed inputs map to specific errors")
    func malformedInputs() throws {
        let text = try #require(identity(3)).text
        #expect(throws: IdentityParseError.empty) { try PublicIdentity(parsing: "   ") }
        #expect(throws: IdentityParseError.missingPrefix) { try PublicIdentity(parsing: "xx" + text) }
        #expect(throws: IdentityParseError.wrongLength(actual: text.count - 1, expected: text.count)) {
            try PublicIdentity(parsing: String(text.dropLast()))
        }
        #expect(throws: IdentityParseError.invalidCharacter("0", position: 6)) {
            try PublicIdentity(parsing: "gv1ab0" + text.dropFirst(6))
        }
    }

    @Test("fingerprints are four groups of four hex digits and differ between identities")
    func fingerprints() throws {
        let a = try #require(identity(1)).fingerprint
        let b = try #require(identity(2)).fingerprint
        #expect(a.count == 19)
        #expect(a.split(separator: "-").count == 4)
        #expect(a != b)
    }
}
