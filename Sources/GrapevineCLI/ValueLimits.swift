import GrapevineCore

/// Checks what a person typed against the protocol's limits before it is signed, so the error
/// names the field's own limit in plain words ("title is 10000 bytes; a title holds at most 256
/// bytes") instead of the size of the encoded entry that the store's checks would report.
public enum ValueLimits {
    /// Refuses `content` if a value breaks a rule of PROTOCOL.md §6 or the entry would not fit.
    public static func check(_ content: EntryContent) throws(CLIError) {
        switch content {
        case .card(let update):
            try card(update)
        case .introduction(let info):
            try text(info.note, what: "the note", noun: "an introduction's note",
                     limit: Limits.maxIntroductionNoteLength, newlines: true)
        default:
            break
        }
        guard let size = try? SignedEntry.largestSize(of: content) else { return }
        let over = max(size.entry - Limits.maxEntrySize, size.body - Limits.maxBodySize)
        guard over <= 0 else {
            if case .card(let update) = content {
                let bytes = update.values.reduce(0) { $0 + $1.value.utf8.count + $1.type.utf8.count }
                throw CLIError("the \(update.values.count) values of \(update.field) take \(bytes) bytes together; all values of a field go in one signed entry, which has room for \(bytes - over) here: shorten or remove some (`grapevine card remove \(update.field) VALUE`)")
            }
            throw CLIError("this entry would be \(size.entry) bytes, more than the \(Limits.maxEntrySize) an entry holds: shorten what you typed")
        }
    }

    /// Whether `content`, signed, fits the entry and body limits.
    public static func fits(_ content: EntryContent) -> Bool {
        guard let size = try? SignedEntry.largestSize(of: content) else { return false }
        return size.entry <= Limits.maxEntrySize && size.body <= Limits.maxBodySize
    }

    private static func card(_ update: CardUpdate) throws(CLIError) {
        guard let spec = CardFields.spec(named: update.field) else { return }
        let most = spec.isMultiValued ? Limits.maxListLength : 1
        guard update.values.count <= most else {
            throw CLIError("\(spec.name) has \(update.values.count) values; it holds at most \(most)")
        }
        for item in update.values {
            let what = spec.isMultiValued ? "\(spec.name) \"\(preview(item.value))\"" : spec.name
            guard !item.value.isEmpty else {
                throw CLIError("\(what) is empty: give a value, or clear the field with `grapevine card clear \(spec.name)`")
            }
            try text(item.value, what: what, noun: noun(spec.name), limit: spec.maxValueLength, newlines: spec.allowsNewlines)
        }
    }

    private static func text(_ value: String, what: String, noun: String, limit: Int, newlines: Bool) throws(CLIError) {
        let bytes = value.utf8.count
        guard bytes <= limit else {
            throw CLIError("\(what) is \(bytes) bytes; \(noun) holds at most \(limit) bytes (UTF-8): shorten it")
        }
        for scalar in value.unicodeScalars {
            let v = scalar.value
            guard v < 0x20 || (v >= 0x7f && v <= 0x9f) else { continue }
            if v == 0x0a {
                if newlines { continue }
                throw CLIError("\(what) holds a line break; only note and an introduction's note may: write it on one line")
            }
            throw CLIError("\(what) holds the control character U+\(hex(v)), which no value may hold: remove it")
        }
    }

    /// How the error names one value of a field, as in "a title" or "an email".
    static func noun(_ field: String) -> String {
        switch field {
        case "fn": return "a name (fn)"
        case "n": return "a structured name (n)"
        case "org", "email", "impp": return "an \(field)"
        case "categories": return "a category"
        default: return "a \(field)"
        }
    }

    /// The start of a long value, enough to recognise it.
    static func preview(_ value: String) -> String {
        value.count <= 24 ? value : String(value.prefix(24)) + "…"
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
