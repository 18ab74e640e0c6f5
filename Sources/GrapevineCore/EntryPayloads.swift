import Foundation
import GrapevineWire

/// Encoding and validation of the known kinds' payloads (PROTOCOL.md, "Entry kinds" and "Limits").
enum EntryPayloads {
    // MARK: Decoding

    static func decode(kind: EntryKind, payload: [UInt8], key: [UInt8], author: PublicIdentity) throws(EntryError)
        -> EntryContent
    {
        switch kind {
        case .card:
            return .card(try decodeCard(payload, key: key))
        case .endpoint:
            return .endpoint(try decodeEndpoint(payload, key: key))
        case .edge:
            return .edge(try decodeEdge(payload, key: key, author: author))
        case .introduction:
            return .introduction(try decodeIntroduction(payload, key: key, author: author))
        case .introductionResponse:
            return .introductionResponse(try decodeResponse(payload, key: key))
        case .grant:
            return .grant(try decodeGrant(payload, key: key, author: author))
        default:
            guard key.count <= Limits.maxUnknownKeyLength else {
                throw EntryError(.invalidField, "key of \(key.count) bytes exceeds \(Limits.maxUnknownKeyLength)")
            }
            return .unknown(payload: payload)
        }
    }

    private static func decodeCard(_ payload: [UInt8], key: [UInt8]) throws(EntryError) -> CardUpdate {
        let m = try Canonical.decode(Grapevine_V1_CardField.self, payload, what: "CardField")
        guard m.values.allSatisfy({ $0.unknownFields.data.isEmpty }) else {
            throw EntryError(.nonCanonical, "CardValue has a field that protocol v2 does not declare")
        }
        try checkToken(m.field, what: "card field name", allowEmpty: false)
        guard Array(m.field.utf8) == key else {
            throw EntryError(.keyMismatch, "a card entry's key must be its field name \"\(m.field)\"")
        }
        if !m.sealed.isEmpty {
            guard m.values.isEmpty else {
                throw EntryError(.invalidField, "field \(m.field) carries both values and sealed bytes")
            }
            guard let sealed = SealedValue(bytes: [UInt8](m.sealed)) else {
                throw EntryError(.invalidField, "sealed bytes of \(m.field) are \(m.sealed.count) long, not a padded bucket")
            }
            return CardUpdate(field: m.field, sealed: sealed)
        }
        return CardUpdate(field: m.field, values: try checkedValues(m.values, field: m.field))
    }

    /// The values inside an opened sealed field: a canonical `CardValues` whose values pass the
    /// same checks as public ones.
    static func decodeSealedValues(_ plaintext: [UInt8], field: String) throws(EntryError) -> [CardItem] {
        let m = try Canonical.decode(Grapevine_V1_CardValues.self, plaintext, what: "CardValues")
        guard m.values.allSatisfy({ $0.unknownFields.data.isEmpty }) else {
            throw EntryError(.nonCanonical, "CardValue has a field that protocol v2 does not declare")
        }
        return try checkedValues(m.values, field: field)
    }

    private static func checkedValues(_ values: [Grapevine_V1_CardValue], field: String) throws(EntryError)
        -> [CardItem]
    {
        let spec = CardFields.spec(named: field)
        let maxItems = (spec?.isMultiValued ?? true) ? Limits.maxListLength : 1
        guard values.count <= maxItems else {
            throw EntryError(.invalidField, "field \(field) has \(values.count) values, at most \(maxItems)")
        }
        var items: [CardItem] = []
        for v in values {
            try checkText(
                v.value, what: "value of \(field)", maxBytes: spec?.maxValueLength ?? Limits.maxValueLength,
                allowNewlines: spec?.allowsNewlines ?? false, allowEmpty: false)
            try checkToken(v.type, what: "type of \(field)", allowEmpty: true)
            items.append(CardItem(v.value, type: v.type))
        }
        return items
    }

    private static func decodeGrant(_ payload: [UInt8], key: [UInt8], author: PublicIdentity) throws(EntryError)
        -> GrantInfo
    {
        let m = try Canonical.decode(Grapevine_V1_Grant.self, payload, what: "Grant")
        guard let recipient = PublicIdentity(bytes: [UInt8](m.recipient)) else {
            throw EntryError(.invalidField, "grant recipient is \(m.recipient.count) bytes, not 32")
        }
        guard recipient.bytes == key else { throw EntryError(.keyMismatch, "a grant's key must be its recipient") }
        guard recipient != author else { throw EntryError(.invalidField, "a grant cannot be addressed to its own author") }
        let keyID = [UInt8](m.keyID)
        let sealedKey = [UInt8](m.sealedKey)
        let isEmpty = keyID.isEmpty && sealedKey.isEmpty
        guard isEmpty || (keyID.count == CardKey.idLength && sealedKey.count == GrantInfo.sealedKeyLength) else {
            throw EntryError(.invalidField, "a grant carries a \(CardKey.idLength)-byte key id and a \(GrantInfo.sealedKeyLength)-byte sealed key, or neither")
        }
        return GrantInfo(recipient: recipient, keyID: keyID, sealedKey: sealedKey)
    }

    private static func decodeEndpoint(_ payload: [UInt8], key: [UInt8]) throws(EntryError) -> EndpointInfo {
        let m = try Canonical.decode(Grapevine_V1_Endpoint.self, payload, what: "Endpoint")
        guard m.addresses.allSatisfy({ $0.unknownFields.data.isEmpty }) else {
            throw EntryError(.nonCanonical, "Address has a field that protocol v1 does not declare")
        }
        guard key.isEmpty else { throw EntryError(.keyMismatch, "an endpoint entry's key must be empty") }
        guard m.transportKey.isEmpty else {
            throw EntryError(.invalidField, "transport_key is reserved and must be absent in v1")
        }
        guard m.addresses.count <= Limits.maxAddresses else {
            throw EntryError(.invalidField, "endpoint has \(m.addresses.count) addresses, at most \(Limits.maxAddresses)")
        }
        var addresses: [NodeAddress] = []
        for a in m.addresses {
            guard a.kind == NodeAddress.udpKind || a.kind == NodeAddress.relayKind else {
                throw EntryError(.invalidField, "address kind \(a.kind) is reserved; 1 (UDP) and 2 (relay) are defined")
            }
            guard a.ip.count == 4 || a.ip.count == 16 else {
                throw EntryError(.invalidField, "an IP address is 4 or 16 bytes, not \(a.ip.count)")
            }
            guard (1...65535).contains(a.port) else {
                throw EntryError(.invalidField, "port \(a.port) is outside 1...65535")
            }
            guard a.origin == 0 || AddressOrigin(rawValue: a.origin) != nil else {
                throw EntryError(.invalidField, "address origin \(a.origin) is not 1 (interface), 2 (observed), 3 (forwarded) or 4 (relay)")
            }
            if a.kind == NodeAddress.relayKind {
                guard a.origin == AddressOrigin.relay.rawValue else {
                    throw EntryError(.invalidField, "a relay address has origin 4 (relay), not \(a.origin)")
                }
                guard let relay = try? PublicIdentity(parsing: a.relay), relay.text == a.relay else {
                    throw EntryError(.invalidField, "a relay address's relay is not a public key in its text form")
                }
            } else {
                guard a.relay.isEmpty else {
                    throw EntryError(.invalidField, "relay must be absent for a UDP address")
                }
                guard a.origin != AddressOrigin.relay.rawValue else {
                    throw EntryError(.invalidField, "origin 4 (relay) is only for relay addresses")
                }
            }
            addresses.append(NodeAddress(kind: a.kind, ip: [UInt8](a.ip), port: UInt16(a.port), relay: a.relay,
                                         origin: AddressOrigin(rawValue: a.origin)))
        }
        return EndpointInfo(addresses: addresses)
    }

    private static func decodeEdge(_ payload: [UInt8], key: [UInt8], author: PublicIdentity) throws(EntryError)
        -> EdgeInfo
    {
        let m = try Canonical.decode(Grapevine_V1_Edge.self, payload, what: "Edge")
        guard let target = PublicIdentity(bytes: [UInt8](m.target)) else {
            throw EntryError(.invalidField, "edge target is \(m.target.count) bytes, not 32")
        }
        guard target.bytes == key else { throw EntryError(.keyMismatch, "an edge entry's key must be its target") }
        guard target != author else { throw EntryError(.invalidField, "an edge cannot point at its own author") }
        guard let state = EdgeState(rawValue: m.state) else {
            throw EntryError(.invalidField, "edge state \(m.state) is not 1 (connected) or 2 (removed)")
        }
        return EdgeInfo(target: target, state: state)
    }

    private static func decodeIntroduction(_ payload: [UInt8], key: [UInt8], author: PublicIdentity)
        throws(EntryError) -> IntroductionInfo
    {
        let m = try Canonical.decode(Grapevine_V1_Introduction.self, payload, what: "Introduction")
        guard key.isEmpty else {
            throw EntryError(.keyMismatch, "an introduction's key must be empty: its id is its replacement key")
        }
        guard let a = PublicIdentity(bytes: [UInt8](m.a)), let b = PublicIdentity(bytes: [UInt8](m.b)) else {
            throw EntryError(.invalidField, "the people introduced must be 32-byte public keys")
        }
        guard a != b, a != author, b != author else {
            throw EntryError(.invalidField, "an introduction names two people other than its author")
        }
        try checkText(m.note, what: "introduction note", maxBytes: Limits.maxIntroductionNoteLength,
                      allowNewlines: true, allowEmpty: true)
        return IntroductionInfo(a: a, b: b, note: m.note)
    }

    private static func decodeResponse(_ payload: [UInt8], key: [UInt8]) throws(EntryError) -> IntroductionAnswer {
        let m = try Canonical.decode(Grapevine_V1_IntroductionResponse.self, payload, what: "IntroductionResponse")
        guard let id = EntryID(bytes: [UInt8](m.introduction)) else {
            throw EntryError(.invalidField, "the introduction's id is \(m.introduction.count) bytes, not 32")
        }
        guard id.bytes == key else {
            throw EntryError(.keyMismatch, "a response's key must be the introduction's id")
        }
        guard let answer = IntroductionAnswer.Answer(rawValue: m.answer) else {
            throw EntryError(.invalidField, "answer \(m.answer) is not 1 (accept) or 2 (decline)")
        }
        return IntroductionAnswer(introduction: id, answer: answer)
    }

    // MARK: Encoding

    /// The kind, payload and key of `content`. The kind is nil for `.unknown`, whose caller names it.
    static func encode(_ content: EntryContent) throws(EntryError) -> (EntryKind?, [UInt8], [UInt8]) {
        switch content {
        case .card(let update):
            var m = Grapevine_V1_CardField()
            m.field = update.field
            m.values = update.values.map { item in
                var v = Grapevine_V1_CardValue()
                v.value = item.value
                v.type = item.type
                return v
            }
            m.sealed = Data(update.sealed?.bytes ?? [])
            return (.card, try Canonical.encode(m), Array(update.field.utf8))
        case .endpoint(let info):
            var m = Grapevine_V1_Endpoint()
            m.addresses = info.addresses.map { address in
                var a = Grapevine_V1_Address()
                a.kind = address.kind
                a.ip = Data(address.ip)
                a.port = UInt32(address.port)
                a.relay = address.relay
                a.origin = address.origin?.rawValue ?? 0
                return a
            }
            return (.endpoint, try Canonical.encode(m), [])
        case .edge(let info):
            var m = Grapevine_V1_Edge()
            m.target = Data(info.target.bytes)
            m.state = info.state.rawValue
            return (.edge, try Canonical.encode(m), info.target.bytes)
        case .introduction(let info):
            var m = Grapevine_V1_Introduction()
            m.a = Data(info.a.bytes)
            m.b = Data(info.b.bytes)
            m.note = info.note
            return (.introduction, try Canonical.encode(m), [])
        case .introductionResponse(let answer):
            var m = Grapevine_V1_IntroductionResponse()
            m.introduction = Data(answer.introduction.bytes)
            m.answer = answer.answer.rawValue
            return (.introductionResponse, try Canonical.encode(m), answer.introduction.bytes)
        case .grant(let grant):
            var m = Grapevine_V1_Grant()
            m.recipient = Data(grant.recipient.bytes)
            m.keyID = Data(grant.keyID)
            m.sealedKey = Data(grant.sealedKey)
            return (.grant, try Canonical.encode(m), grant.recipient.bytes)
        case .unknown(let payload):
            return (nil, payload, [])
        }
    }

    // MARK: Text rules

    /// Field names and type tokens: lowercase ASCII letters, digits and '-', at most 32 bytes.
    static func checkToken(_ token: String, what: String, allowEmpty: Bool) throws(EntryError) {
        let bytes = token.utf8
        if bytes.isEmpty {
            guard allowEmpty else { throw EntryError(.invalidField, "\(what) is empty") }
            return
        }
        guard bytes.count <= Limits.maxTokenLength else {
            throw EntryError(.invalidField, "\(what) is longer than \(Limits.maxTokenLength) bytes")
        }
        for c in bytes {
            let ok = (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-")
            guard ok else {
                throw EntryError(.invalidField, "\(what) \"\(token)\" may hold only a-z, 0-9 and '-'")
            }
        }
    }

    /// Free text: at most `maxBytes` of UTF-8 with no control characters (U+0000–U+001F, U+007F–U+009F),
    /// except newline (U+000A) where `allowNewlines`.
    static func checkText(_ text: String, what: String, maxBytes: Int, allowNewlines: Bool, allowEmpty: Bool)
        throws(EntryError)
    {
        let count = text.utf8.count
        guard allowEmpty || count > 0 else { throw EntryError(.invalidField, "\(what) is empty") }
        guard count <= maxBytes else {
            throw EntryError(.invalidField, "\(what) is \(count) bytes, at most \(maxBytes)")
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let isControl = v < 0x20 || (v >= 0x7f && v <= 0x9f)
            if isControl && !(allowNewlines && v == 0x0a) {
                throw EntryError(.forbiddenCharacter, "\(what) contains control character U+\(String(v, radix: 16, uppercase: true))")
            }
        }
    }
}
