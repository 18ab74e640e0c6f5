import Foundation
import GrapevineCore
import VCard

/// Maps a vCard onto the card field registry for `card import`.
///
/// Every registry field is taken from the vCard's properties (FN, N, ORG, TITLE, ROLE, NOTE,
/// the locality of ADR, EMAIL, TEL, URL, IMPP and the older X- handle properties, CATEGORIES).
/// What does not fit the card's limits is cut or skipped, and each such change is reported by
/// property name, so a user knows what did not make it onto the card.
public struct VCardImport: Sendable, Equatable {
    /// The value of every registry field, in registry order; an empty list means the vCard has
    /// nothing for that field.
    public var fields: [CardUpdate]
    /// One sentence per property skipped or cut, naming the property.
    public var notes: [String]

    /// Types that say nothing a card field keeps: every email is "internet", and "pref" is an order.
    static let ignoredTypes: Set<String> = ["internet", "pref", "x400", "voice"]
    /// Properties that describe the file rather than the person; skipping them is not news.
    static let silentlySkipped: Set<String> = ["PRODID", "UID", "REV", "X-ABLABEL", "X-ABUID", "X-ABADR", "LABEL"]
    /// Pre-IMPP handle properties and the URI scheme each becomes.
    static let handleProperties: [String: String] = [
        "X-AIM": "aim", "X-JABBER": "xmpp", "X-GOOGLE-TALK": "xmpp", "X-ICQ": "icq", "X-MSN": "msnim",
        "X-YAHOO": "ymsgr", "X-SKYPE": "skype", "X-SKYPE-USERNAME": "skype", "X-GADUGADU": "gg",
    ]
    static let binaryProperties: Set<String> = ["PHOTO", "LOGO", "SOUND", "KEY"]

    public init(_ card: VCard) {
        var notes: [String] = []
        var used: Set<String> = []
        var fields: [CardUpdate] = []

        func single(_ field: String, _ property: String, _ raw: String?) {
            guard let spec = CardFields.spec(named: field) else { return }
            guard let raw else {
                fields.append(CardUpdate(field: field, values: []))
                return
            }
            let text = Self.clean(raw, newlines: spec.allowsNewlines)
            let value = Self.cut(text, to: spec.maxValueLength)
            if value.utf8.count < text.utf8.count {
                notes.append("\(property) cut to \(spec.maxValueLength) bytes (it had \(text.utf8.count))")
            }
            fields.append(CardUpdate(field: field, values: value.isEmpty ? [] : [CardItem(value)]))
        }

        func multi(_ field: String, _ property: String, _ items: [CardItem]) {
            guard let spec = CardFields.spec(named: field) else { return }
            var kept: [CardItem] = []
            for item in items {
                let value = Self.clean(item.value, newlines: false)
                guard !value.isEmpty, !kept.contains(where: { $0.value == value }) else { continue }
                guard value.utf8.count <= spec.maxValueLength else {
                    notes.append("\(property) \"\(Self.cut(value, to: 40))…\" skipped: longer than \(spec.maxValueLength) bytes")
                    continue
                }
                kept.append(CardItem(value, type: item.type))
            }
            if kept.count > Limits.maxListLength {
                notes.append("\(property) has \(kept.count) values: kept the first \(Limits.maxListLength)")
                kept = Array(kept.prefix(Limits.maxListLength))
            }
            let listed = kept.count
            while !kept.isEmpty, !ValueLimits.fits(.card(CardUpdate(field: field, values: kept))) { kept.removeLast() }
            if kept.count < listed {
                notes.append("\(property) values are too long together for one card entry (\(Limits.maxEntrySize) bytes): kept the first \(kept.count) of \(listed)")
            }
            fields.append(CardUpdate(field: field, values: kept))
        }

        let fn = card.first("FN")?.value ?? card.first("N").map(Self.nameFromN)
        single("fn", "FN", fn.flatMap { $0.isEmpty ? nil : $0 })
        used.insert("FN")

        var n: String?
        if let property = card.first("N"), property.components.contains(where: { !$0.isEmpty }) {
            if property.rawValue.utf8.count <= Limits.maxValueLength {
                n = property.rawValue
            } else {
                notes.append("N skipped: longer than \(Limits.maxValueLength) bytes")
            }
        }
        fields.append(CardUpdate(field: "n", values: n.map { [CardItem($0)] } ?? []))
        used.insert("N")

        let org = card.first("ORG")?.components.filter { !$0.isEmpty }.joined(separator: "; ")
        single("org", "ORG", org.flatMap { $0.isEmpty ? nil : $0 })
        single("title", "TITLE", card.first("TITLE")?.value)
        single("role", "ROLE", card.first("ROLE")?.value)
        single("note", "NOTE", card.first("NOTE")?.value)
        used.formUnion(["ORG", "TITLE", "ROLE", "NOTE"])

        let addresses = Self.preferredFirst(card.properties(named: "ADR"))
        let locality = addresses.lazy.compactMap { $0.components.count > 3 && !$0.components[3].isEmpty ? $0.components[3] : nil }.first
        single("locality", "ADR", locality)
        used.insert("ADR")

        multi("email", "EMAIL", Self.items(card, "EMAIL"))
        multi("tel", "TEL", Self.items(card, "TEL").map { item in
            var item = item
            if item.value.lowercased().hasPrefix("tel:") { item.value = String(item.value.dropFirst(4)) }
            return item
        })
        multi("url", "URL", Self.items(card, "URL"))
        var handles = Self.items(card, "IMPP")
        for property in card.properties where Self.handleProperties[property.name] != nil {
            guard let scheme = Self.handleProperties[property.name] else { continue }
            handles.append(CardItem(scheme + ":" + property.value, type: Self.type(of: property)))
            used.insert(property.name)
        }
        multi("impp", "IMPP", handles)
        let categories = card.properties(named: "CATEGORIES").flatMap(\.listValues)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        multi("categories", "CATEGORIES", categories.map { CardItem($0) })
        used.formUnion(["EMAIL", "TEL", "URL", "IMPP", "CATEGORIES"])

        var unmapped: [String] = []
        for property in card.properties where !used.contains(property.name) && !Self.silentlySkipped.contains(property.name) {
            if Self.binaryProperties.contains(property.name) {
                let size = property.inlineData?.bytes.count ?? property.rawValue.utf8.count
                notes.append("\(property.name) skipped (\(size) bytes): a Grapevine card carries no images or files")
            } else if !unmapped.contains(property.name) {
                unmapped.append(property.name)
            }
        }
        if !unmapped.isEmpty {
            notes.append("skipped, no card field for: " + unmapped.joined(separator: ", "))
        }
        self.fields = fields
        self.notes = notes
    }

    /// The field values as a map, without the empty ones.
    public var values: [String: [CardItem]] {
        var result: [String: [CardItem]] = [:]
        for field in fields where !field.values.isEmpty { result[field.field] = field.values }
        return result
    }

    static func items(_ card: VCard, _ name: String) -> [CardItem] {
        preferredFirst(card.properties(named: name)).map { CardItem($0.value, type: type(of: $0)) }
    }

    /// Properties marked preferred first, otherwise in file order.
    static func preferredFirst(_ properties: [VCardProperty]) -> [VCardProperty] {
        let indexed = properties.enumerated().map { ($0.offset, $0.element) }
        return indexed.sorted { lhs, rhs in
            let l = lhs.1.preference ?? Int.max
            let r = rhs.1.preference ?? Int.max
            return l != r ? l < r : lhs.0 < rhs.0
        }.map(\.1)
    }

    /// The first TYPE that a card keeps, if it is a valid token.
    static func type(of property: VCardProperty) -> String {
        let candidate = property.types.first { !ignoredTypes.contains($0) } ?? ""
        let valid = candidate.utf8.count <= Limits.maxTokenLength && candidate.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        return valid ? candidate : ""
    }

    /// "Given Family" from N, for a card without FN.
    static func nameFromN(_ property: VCardProperty) -> String {
        let parts = property.components
        let order = [3, 1, 2, 0, 4].filter { $0 < parts.count }
        return order.map { parts[$0] }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Removes control characters; newlines become spaces unless the field allows them.
    static func clean(_ text: String, newlines: Bool) -> String {
        var out = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            let v = scalar.value
            if scalar == "\r" || scalar == "\n" {
                if scalar == "\n" && previousWasCR { continue }
                out.unicodeScalars.append(newlines ? "\n" : " ")
            } else if v < 0x20 || (v >= 0x7f && v <= 0x9f) {
                continue
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The longest prefix of whole characters that fits in `maxBytes` of UTF-8.
    static func cut(_ text: String, to maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var out = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= maxBytes else { break }
            out.append(character)
            bytes += size
        }
        return out
    }
}
