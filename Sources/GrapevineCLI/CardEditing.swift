import GrapevineCore
import GrapevineStore

/// The rules of `card set`, `card add`, `card remove` and `card clear`: which fields exist, how many values
/// each takes, and the entry each edit writes.
public enum CardEditing {
    /// The registry field named `name` (case-insensitive), or an error that lists the fields.
    public static func field(_ name: String) throws(CLIError) -> CardFieldSpec {
        let lower = name.lowercased()
        guard let spec = CardFields.spec(named: lower) else {
            throw CLIError("\"\(name)\" is not a card field: use one of \(CardFields.all.map(\.name).joined(separator: ", "))")
        }
        return spec
    }

    /// A `--type` value as the protocol stores it: a lowercase token, or empty.
    public static func type(_ text: String?) throws(CLIError) -> String {
        let type = (text ?? "").lowercased()
        let valid = type.utf8.count <= Limits.maxTokenLength && type.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        guard valid else {
            throw CLIError("--type \"\(text ?? "")\" must be a word of a-z, 0-9 and '-' (at most \(Limits.maxTokenLength)), such as work, home or cell")
        }
        return type
    }

    /// The field's values after appending `item`, or an error when the field is single-valued or full.
    public static func appending(_ item: CardItem, to current: [CardItem], spec: CardFieldSpec) throws(CLIError)
        -> [CardItem]
    {
        guard spec.isMultiValued else {
            throw CLIError("\(spec.name) holds one value: use `grapevine card set \(spec.name) VALUE` instead")
        }
        guard current.count < Limits.maxListLength else {
            throw CLIError("\(spec.name) already has \(Limits.maxListLength) values, the most a field holds: remove one first with `grapevine card remove \(spec.name) VALUE`")
        }
        return current + [item]
    }

    /// The field's values without `value`, or an error when the field does not hold it exactly.
    public static func removing(_ value: String, from current: [CardItem], spec: CardFieldSpec) throws(CLIError)
        -> CardUpdate
    {
        guard current.contains(where: { $0.value == value }) else {
            guard !current.isEmpty else { throw CLIError("\(spec.name) holds no value: there is nothing to remove") }
            let values = current.map { "\"\($0.value)\"" }.joined(separator: ", ")
            throw CLIError("\(spec.name) has no value \"\(value)\": give one of \(values) exactly, as `grapevine card show` prints it")
        }
        return CardUpdate(field: spec.name, values: current.filter { $0.value != value })
    }

    /// The fields that are for connections unless the user says otherwise: contact details.
    public static let connectionsByDefault: Set<String> = ["email", "tel"]

    /// What `--visibility` names, or nil when it was not given.
    public static func visibility(_ text: String?) throws(CLIError) -> FieldVisibility? {
        guard let text else { return nil }
        guard let visibility = FieldVisibility(rawValue: text.lowercased()) else {
            throw CLIError("--visibility \"\(text)\" must be public (everyone) or connections (only my mutual connections)")
        }
        return visibility
    }

    /// The visibility an edit of `field` gets: the one asked for, else the one the field has now,
    /// else the field's default (email and tel for connections, the rest public).
    public static func visibility(_ asked: FieldVisibility?, field: String, current: OwnField?) -> FieldVisibility {
        if let asked { return asked }
        if let current, !current.values.isEmpty { return current.visibility }
        return connectionsByDefault.contains(field) ? .connections : .public
    }

    /// The longest prefix of `values` that can be sealed (PROTOCOL.md §5.9.3), for importing a
    /// connections-only list that is too long.
    public static func fittingSealed(_ values: [CardItem]) -> [CardItem] {
        var kept = values
        while !kept.isEmpty, ((try? CardSealing.plaintext(kept).count) ?? Int.max) > CardSealing.maxPlaintextLength {
            kept.removeLast()
        }
        return kept
    }

    /// Refuses an edit whose values break the field's limits, or that cannot be sealed.
    public static func check(_ edit: FieldEdit) throws(CLIError) {
        try ValueLimits.check(.card(CardUpdate(field: edit.field, values: edit.values)))
        guard edit.visibility == .connections, !edit.values.isEmpty else { return }
        let length = (try? CardSealing.plaintext(edit.values).count) ?? Int.max
        guard length <= CardSealing.maxPlaintextLength else {
            throw CLIError(CardSealing.TooLong(field: edit.field, length: length).description)
        }
    }

    /// The current values of each field of a card; cleared fields are left out.
    public static func values(of card: CardDetail) -> [String: [CardItem]] {
        var result: [String: [CardItem]] = [:]
        for field in card.fields where !field.values.isEmpty {
            result[field.field] = field.values
        }
        return result
    }
}
