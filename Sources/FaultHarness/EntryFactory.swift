import Foundation
import GrapevineCore
import GrapevineWire
import SwiftProtobuf
import Sodium

/// Signed entries for the misbehaving peers: honest-looking bulk data, and the lies.
public enum EntryFactory {
    /// A deterministic signing key per number and purpose, so a scenario replays the same data.
    public static func key(_ n: Int, purpose: UInt8) -> Ed25519.SigningKey {
        var seed = [UInt8](repeating: 0, count: 32)
        for i in 0..<8 { seed[i] = UInt8(truncatingIfNeeded: n >> (8 * i)) }
        seed[30] = purpose
        seed[31] = 0xfa
        guard let key = Ed25519.SigningKey(seed: seed) else { preconditionFailure("a 32-byte seed is valid") }
        return key
    }

    /// `count` valid card entries: authors each set up to ten distinct fields, stamped `millis`.
    public static func cards(count: Int, purpose: UInt8, millis: UInt64) throws -> [SignedEntry] {
        let fields = ["fn", "org", "title", "role", "note", "locality", "email", "tel", "url", "categories"]
        return try (0..<count).map { i in
            let author = key(i / fields.count, purpose: purpose)
            let field = fields[i % fields.count]
            return try SignedEntry.sign(
                .card(CardUpdate(field: field, values: [CardItem("\(field) value \(i)")])),
                stamp: HLCStamp(millis: millis, counter: UInt16(i % fields.count)), with: author)
        }
    }

    /// An entry of an unknown kind: valid, kept up to the per-author bound of unknown kinds.
    public static func unknownKind(_ kind: UInt32, key entryKey: String, payload: String, millis: UInt64,
                                   signer: Ed25519.SigningKey) throws -> SignedEntry {
        try SignedEntry.sign(.unknown(payload: Array(payload.utf8)), kind: EntryKind(rawValue: kind),
                             key: Array(entryKey.utf8), stamp: HLCStamp(millis: millis, counter: 0), with: signer)
    }

    /// An endpoint entry, validly signed by `signer`, listing whatever addresses it likes.
    public static func endpoint(_ addresses: [NodeAddress], millis: UInt64, signer: Ed25519.SigningKey) throws -> SignedEntry {
        try SignedEntry.sign(.endpoint(EndpointInfo(addresses: addresses)), stamp: HLCStamp(millis: millis, counter: 0),
                             with: signer)
    }

    /// An entry that claims `author` wrote it but carries `signer`'s signature: the body names
    /// `author`, the signature was made over a body naming `signer`. Every node must reject it.
    public static func forged(claiming author: PublicIdentity, field: String, value: String, millis: UInt64,
                              signer: Ed25519.SigningKey) throws -> [UInt8] {
        let honest = try SignedEntry.sign(.card(CardUpdate(field: field, values: [CardItem(value)])),
                                          stamp: HLCStamp(millis: millis, counter: 0), with: signer)
        var body = try Grapevine_V1_EntryBody(serializedBytes: honest.body)
        body.author = Data(author.bytes)
        let forgedBody: [UInt8] = try body.serializedBytes()
        return SignedEntry.envelope(body: forgedBody, signature: honest.signature)
    }

    /// A correctly signed endpoint at `ip` port 0, which PROTOCOL.md §5.4 rejects (`invalid-field`):
    /// `SignedEntry.sign` checks what it signs, so the body is built here.
    public static func endpointAtPortZero(ip: [UInt8], millis: UInt64, signer: Ed25519.SigningKey) throws -> [UInt8] {
        var address = Grapevine_V1_Address()
        address.kind = NodeAddress.udpKind
        address.ip = Data(ip)
        var endpoint = Grapevine_V1_Endpoint()
        endpoint.addresses = [address]
        var body = Grapevine_V1_EntryBody()
        body.version = SignedEntry.formatVersion
        body.author = Data(signer.publicKey)
        body.stamp = HLCStamp(millis: millis, counter: 0).rawValue
        body.kind = EntryKind.endpoint.rawValue
        body.payload = try endpoint.serializedBytes()
        let bytes: [UInt8] = try body.serializedBytes()
        return SignedEntry.envelope(body: bytes, signature: signer.sign(SignedEntry.signingInput(bytes)))
    }

    /// Entries in a file as the peer emulator reads them: each one a 4-byte big-endian length and its bytes.
    public static func write(_ entries: [[UInt8]], to path: String) throws {
        var data = Data()
        for entry in entries {
            let n = UInt32(entry.count)
            data.append(contentsOf: [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)])
            data.append(contentsOf: entry)
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    public static func read(from path: String) throws -> [[UInt8]] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var entries: [[UInt8]] = []
        var i = 0
        while i + 4 <= bytes.count {
            let n = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard i + 4 + n <= bytes.count else { throw HarnessError("\(path): truncated entry at byte \(i)") }
            entries.append(Array(bytes[(i + 4)..<(i + 4 + n)]))
            i += 4 + n
        }
        return entries
    }
}
