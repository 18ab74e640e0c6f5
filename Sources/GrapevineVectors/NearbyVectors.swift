import Discovery
import Foundation
import GrapevineCore
import Sodium

/// `nearby.json`: discovery announcements (PROTOCOL.md §17.2) and the verdict of §17.3's
/// stateless checks for a receiver at a given time, accepted or with the reason it is dropped.
public struct NearbyVectorFile: Codable, Equatable, Sendable {
    public struct Vector: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var announcement: String
        /// The receiving node's identity and clock.
        public var receiver: String
        public var nowMs: UInt64
        /// nil when the announcement is accepted; else the reason it is dropped (§17.3).
        public var dropped: String?
        /// For an accepted announcement: its fields.
        public var author: String?
        public var sentAtMs: UInt64?
        public var nonce: String?
        public var entry: String?
    }

    public var description: String
    public var ipv4Group: String
    public var ipv6Group: String
    public var port: UInt16
    public var freshnessMs: UInt64
    public var vectors: [Vector]
}

enum NearbyVectors {
    static func make() throws -> NearbyVectorFile {
        let alice = try VectorGenerator.key("alice")
        let bob = try VectorGenerator.identity("bob")
        let endpoint = try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [
            NodeAddress(ip: [192, 168, 1, 20], port: 7474, origin: .interface),
        ])), stamp: VectorGenerator.stamp(50), with: alice)
        let now = VectorGenerator.stamp(60).millis
        let nonce = Array(BLAKE2b.hash(Array("grapevine/vectors/nonce\u{0}".utf8), [], outputLength: Announcement.nonceLength))
        let valid = Announcement.make(endpoint: endpoint, sentAtMillis: now - 1500, nonce: nonce, signingKey: alice)
        let freshness = AnnouncementFilter.Limits().freshnessMillis
        func vector(_ name: String, _ description: String, _ bytes: [UInt8], receiver: PublicIdentity = bob,
                    dropped: DiscoveryDrop?) -> NearbyVectorFile.Vector {
            var v = NearbyVectorFile.Vector(name: name, description: description, announcement: Hex.encode(bytes),
                                            receiver: receiver.text, nowMs: now, dropped: dropped?.rawValue)
            if dropped == nil, let parsed = Announcement.parse(bytes) {
                v.author = PublicIdentity(alice).text
                v.sentAtMs = parsed.sentAtMillis
                v.nonce = Hex.encode(parsed.nonce)
                v.entry = Hex.encode(parsed.entry)
            }
            return v
        }
        var badOuter = valid
        badOuter[badOuter.count - 1] ^= 0x01
        var tamperedEntry = endpoint.encoded
        tamperedEntry[tamperedEntry.count - 1] ^= 0x01
        let resignedTampered = resign(entry: tamperedEntry, sentAt: now - 1500, nonce: nonce, key: alice)
        var badMagic = valid
        badMagic[0] = 0x48
        var badVersion = valid
        badVersion[4] = 2
        let card = try SignedEntry.sign(.card(CardUpdate(field: "fn", values: [CardItem("Alice")])),
                                        stamp: VectorGenerator.stamp(51), with: alice)
        return NearbyVectorFile(
            description: "Discovery announcements (PROTOCOL.md section 17): accepted, or dropped with a reason",
            ipv4Group: "239.255.74.74", ipv6Group: "ff02::7474", port: 7475, freshnessMs: freshness,
            vectors: [
                vector("valid", "alice's endpoint, sent 1.5 s before the receiver's clock", valid, dropped: nil),
                vector("valid-at-window-edge", "sent exactly the freshness window ago",
                       Announcement.make(endpoint: endpoint, sentAtMillis: now - freshness, nonce: nonce, signingKey: alice),
                       dropped: nil),
                vector("stale", "sent one millisecond more than the window ago",
                       Announcement.make(endpoint: endpoint, sentAtMillis: now - freshness - 1, nonce: nonce, signingKey: alice),
                       dropped: .stale),
                vector("future", "sent one millisecond more than the window ahead",
                       Announcement.make(endpoint: endpoint, sentAtMillis: now + freshness + 1, nonce: nonce, signingKey: alice),
                       dropped: .stale),
                vector("own", "alice hears her own announcement", valid, receiver: PublicIdentity(alice), dropped: .own),
                vector("bad-signature", "the last signature byte flipped", badOuter, dropped: .badSignature),
                vector("bad-entry-signature", "the entry's own signature broken, the announcement signed again",
                       resignedTampered, dropped: .badEntrySignature),
                vector("not-endpoint", "a card entry where the endpoint entry belongs",
                       resign(entry: card.encoded, sentAt: now - 1500, nonce: nonce, key: alice), dropped: .notEndpoint),
                vector("bad-magic", "the first byte changed", badMagic, dropped: .malformed),
                vector("other-version", "version 2", badVersion, dropped: .malformed),
                vector("truncated", "the last byte cut off", Array(valid.dropLast()), dropped: .malformed),
                vector("extra-byte", "one byte after the signature", valid + [0], dropped: .malformed),
            ])
    }

    /// An announcement around arbitrary entry bytes, signed by `key`.
    private static func resign(entry: [UInt8], sentAt: UInt64, nonce: [UInt8], key: Ed25519.SigningKey) -> [UInt8] {
        let signed = Announcement.signedPart(sentAtMillis: sentAt, nonce: nonce, entry: entry)
        return signed + key.sign(Announcement.domain + signed)
    }
}
