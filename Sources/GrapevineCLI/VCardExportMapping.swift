import Foundation
import GrapevineCore
import VCard

/// Maps a card from the store to a vCard for `export`.
///
/// `UID` is the identity's URI form `urn:grapevine:gv1…`, so a contact keeps its identity across
/// exports and re-imports in address books; `REV` is the card's last stamp. Mutual connections
/// become `RELATED;TYPE=contact` (the 3.0 writer spells it `X-RELATED`).
public enum VCardExportMapping {
    public static let uriPrefix = "urn:grapevine:"

    /// The identity as a URI.
    public static func uri(_ identity: PublicIdentity) -> String {
        uriPrefix + identity.text
    }

    public static func vCard(
        identity: PublicIdentity, fields: [String: [CardItem]], revision: HLCStamp?, connections: [PublicIdentity]
    ) -> VCard {
        var card = VCard()
        func typed(_ item: CardItem) -> [String: [String]] {
            item.type.isEmpty ? [:] : ["TYPE": [item.type]]
        }
        let fn = fields["fn"]?.first?.value ?? ""
        card.append(VCardProperty(name: "FN", value: fn.isEmpty ? "Grapevine \(identity.fingerprint)" : fn))
        if let n = fields["n"]?.first?.value {
            card.append(VCardProperty(name: "N", rawValue: normalizedN(n)))
        }
        if let org = fields["org"]?.first?.value {
            card.append(VCardProperty(name: "ORG", fields: org.components(separatedBy: "; ").map { [$0] }))
        }
        for (field, property) in [("title", "TITLE"), ("role", "ROLE")] {
            if let value = fields[field]?.first?.value { card.append(VCardProperty(name: property, value: value)) }
        }
        for (field, property) in [("email", "EMAIL"), ("tel", "TEL"), ("url", "URL"), ("impp", "IMPP")] {
            for item in fields[field] ?? [] {
                card.append(VCardProperty(name: property, parameters: typed(item), value: item.value))
            }
        }
        if let locality = fields["locality"]?.first?.value {
            card.append(VCardProperty(name: "ADR", fields: [[""], [""], [""], [locality], [""], [""], [""]]))
        }
        if let note = fields["note"]?.first?.value {
            card.append(VCardProperty(name: "NOTE", value: note))
        }
        if let categories = fields["categories"], !categories.isEmpty {
            card.append(VCardProperty(name: "CATEGORIES", list: categories.map(\.value)))
        }
        for connection in connections {
            card.append(VCardProperty(name: "RELATED", parameters: ["TYPE": ["contact"]], value: uri(connection)))
        }
        card.append(VCardProperty(name: "UID", value: uri(identity)))
        if let revision {
            card.append(VCardProperty(name: "REV", value: StampText.vCardTimestamp(revision)))
        }
        return card
    }

    /// `n` holds N in its escaped wire form; pad it to N's five components so strict readers
    /// accept it.
    static func normalizedN(_ raw: String) -> String {
        var parts = VCardEscaping.split(raw, on: ";")
        while parts.count < 5 { parts.append("") }
        return parts.prefix(5).joined(separator: ";")
    }
}
