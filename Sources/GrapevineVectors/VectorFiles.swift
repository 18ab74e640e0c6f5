import Foundation
import GrapevineCore

/// The JSON files of `Protocol/vectors/`, as Codable values.
///
/// `grapevine-vectors` writes them; the tests decode the committed files with the same types
/// and check them against the code, and check that regenerating gives the same bytes.
public struct IdentityVectorFile: Codable, Equatable, Sendable {
    public struct Vector: Codable, Equatable, Sendable {
        public var name: String
        public var seed: String
        public var publicKey: String
        public var text: String
        public var fingerprint: String
    }

    public struct InvalidText: Codable, Equatable, Sendable {
        public var text: String
        public var error: String
        public var description: String
    }

    public var description: String
    public var vectors: [Vector]
    public var invalidTexts: [InvalidText]
}

public struct EntryVectorFile: Codable, Equatable, Sendable {
    public struct Vector: Codable, Equatable, Sendable {
        public var name: String
        public var seed: String
        public var author: String
        public var kind: UInt32
        public var kindName: String
        public var stamp: UInt64
        public var key: String
        public var payload: String
        public var body: String
        public var signature: String
        public var entry: String
        public var id: String
        public var content: VectorContent
        public var kept: Bool
    }

    /// A valid entry whose signature no seed's deterministic signing gives (PROTOCOL.md §3.3, §9.6).
    public struct OtherSignature: Codable, Equatable, Sendable {
        public var name: String
        public var entry: String
        public var id: String
        public var description: String
        /// For another signature of a vector's body: the `SignedEntry` a node holding both keeps.
        public var kept: String?
    }

    public var description: String
    public var domainHex: String
    public var vectors: [Vector]
    public var otherSignatures: [OtherSignature]
}

/// A decoded payload in vector form: only the members that apply to the kind are present.
public struct VectorContent: Codable, Equatable, Sendable {
    public struct Value: Codable, Equatable, Sendable {
        public var value: String
        public var type: String
    }

    public struct Address: Codable, Equatable, Sendable {
        public var kind: UInt32
        public var ip: String
        public var port: UInt16
        /// `interface`, `observed`, `forwarded` or `relay` (PROTOCOL.md §5.4); absent when unsaid.
        public var origin: String?
        /// A relay address's relay key in text form; absent for a UDP address.
        public var relay: String?

        public init(kind: UInt32, ip: String, port: UInt16, origin: String? = nil, relay: String? = nil) {
            self.kind = kind
            self.ip = ip
            self.port = port
            self.origin = origin
            self.relay = relay
        }
    }

    public var field: String?
    public var values: [Value]?
    public var addresses: [Address]?
    public var target: String?
    public var state: String?
    public var a: String?
    public var b: String?
    public var note: String?
    public var introduction: String?
    public var answer: String?
    public var payload: String?
    public var sealed: String?
    public var recipient: String?
    public var keyId: String?
    public var sealedKey: String?

    public init() {}
}

public struct NegativeVectorFile: Codable, Equatable, Sendable {
    public struct Vector: Codable, Equatable, Sendable {
        public var name: String
        public var entry: String
        public var reason: String
        public var description: String
    }

    public var description: String
    public var vectors: [Vector]
}

/// JSON the way every vector file is written: snake_case keys, sorted, pretty, trailing newline.
public enum VectorJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0a)
        return data
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }
}
