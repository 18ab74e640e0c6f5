import Foundation
import GrapevineCore

/// `invites.json`: invite tokens from fixed seeds, and tokens that must be refused.
public struct InviteVectorFile: Codable, Equatable, Sendable {
    public struct Vector: Codable, Equatable, Sendable {
        public var name: String
        public var seed: String
        public var entry: String
        public var text: String
    }

    public struct Invalid: Codable, Equatable, Sendable {
        public var text: String
        public var error: String
        public var description: String
    }

    public var description: String
    public var vectors: [Vector]
    public var invalid: [Invalid]
}

enum InviteVectors {
    static func make() throws -> InviteVectorFile {
        let alice = try VectorGenerator.key("alice")
        let endpoint = try SignedEntry.sign(
            .endpoint(EndpointInfo(addresses: [
                NodeAddress(ip: [127, 0, 0, 1], port: 7474),
                NodeAddress(ip: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], port: 7474),
            ])),
            stamp: VectorGenerator.stamp(20), with: alice)
        guard let invite = Invite(entry: endpoint) else { throw GenerationError("endpoint invite") }
        let text = invite.text
        var typo = Array(text)
        typo[40] = typo[40] == "a" ? "b" : "a"
        let card = try SignedEntry.sign(.card(CardUpdate(field: "fn", values: [CardItem("Ada")])),
                                        stamp: VectorGenerator.stamp(21), with: alice)
        let cardToken = Invite.token(wrapping: card.encoded)
        // White space is any character with the Unicode White_Space property, anywhere: a line break
        // and indentation from a mail client, a tab, a no-break space. A zero-width space is not one.
        let wrapped = String(text.prefix(30)) + "\r\n  " + String(text.dropFirst(30).prefix(30)) + "\t\u{00A0}"
            + String(text.dropFirst(60)) + "\n"
        let zeroWidth = String(text.prefix(30)) + "\u{200B}" + String(text.dropFirst(30))
        // One more zero character adds 5 bits and no byte: a length no encoding produces.
        guard [0, 2, 5].contains((text.count - Invite.prefix.count) % 8) else {
            throw GenerationError("the endpoint's token no longer allows the impossible-length case")
        }
        return InviteVectorFile(
            description: "Invite tokens (PROTOCOL.md §13): each decodes to the given endpoint entry; "
                + "each invalid token is refused with the given code.",
            vectors: [.init(name: "loopback-v4-v6", seed: Hex.encode(VectorGenerator.seed("alice")),
                            entry: Hex.encode(endpoint.encoded), text: text),
                      .init(name: "wrapped-with-white-space", seed: Hex.encode(VectorGenerator.seed("alice")),
                            entry: Hex.encode(endpoint.encoded), text: wrapped)],
            invalid: [
                .init(text: String(typo), error: "checksum-mismatch", description: "one character mistyped"),
                .init(text: "gv1" + text.dropFirst(4), error: "missing-prefix", description: "an identity prefix"),
                .init(text: cardToken, error: "not-an-endpoint", description: "a valid card entry, not an endpoint"),
                .init(text: zeroWidth, error: "invalid-character",
                      description: "a zero-width space (U+200B), which has no White_Space property"),
                .init(text: text + "a", error: "checksum-mismatch",
                      description: "one zero character more: \((text.count - 4 + 1) % 8) characters mod 8, a length that leaves 5 bits"),
            ])
    }
}
