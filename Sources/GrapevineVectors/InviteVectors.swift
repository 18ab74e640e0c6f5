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
        return InviteVectorFile(
            description: "Invite tokens (PROTOCOL.md §13): each decodes to the given endpoint entry; "
                + "each invalid token is refused with the given code.",
            vectors: [.init(name: "loopback-v4-v6", seed: Hex.encode(VectorGenerator.seed("alice")),
                            entry: Hex.encode(endpoint.encoded), text: text)],
            invalid: [
                .init(text: String(typo), error: "checksum-mismatch", description: "one character mistyped"),
                .init(text: "gv1" + text.dropFirst(4), error: "missing-prefix", description: "an identity prefix"),
                .init(text: cardToken, error: "not-an-endpoint", description: "a valid card entry, not an endpoint"),
            ])
    }
}
