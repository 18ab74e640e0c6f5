/// One contact: an ordered list of properties, as in the file.
///
/// The model is generic on purpose: it keeps every property, including `X-` extensions and
/// properties this module does not understand, so importing and exporting loses nothing.
/// `BEGIN`, `END` and `VERSION` are not properties here; `version` records what was read.
public struct VCard: Sendable, Hashable {
    /// The version the card was read as, or nil for a card built in code.
    public var version: VCardVersion?
    /// The properties in file order, without `BEGIN`, `END` and `VERSION`.
    public var properties: [VCardProperty]

    public init(version: VCardVersion? = nil, properties: [VCardProperty] = []) {
        self.version = version
        self.properties = properties
    }

    /// Every property with this name (compared without regard to case), in file order.
    public func properties(named name: String) -> [VCardProperty] {
        let wanted = name.uppercased()
        return properties.filter { $0.name == wanted }
    }

    /// The first property with this name, for properties that appear at most once, such as `FN`.
    public func first(_ name: String) -> VCardProperty? {
        let wanted = name.uppercased()
        return properties.first { $0.name == wanted }
    }

    /// The properties of a group such as `item1`, which Apple and Google use to attach a label.
    public func properties(inGroup group: String) -> [VCardProperty] {
        let wanted = group.lowercased()
        return properties.filter { $0.group?.lowercased() == wanted }
    }

    /// The `X-ABLabel` of the property's group, the custom label Apple Contacts and Gmail give
    /// a value (such as "Profile" on a URL), or nil when it has none.
    public func label(of property: VCardProperty) -> String? {
        guard let group = property.group else { return nil }
        return properties(inGroup: group).first { $0.name == "X-ABLABEL" }?.value
    }

    /// The display name: `FN`, because every version requires it and clients show it.
    public var formattedName: String? { first("FN")?.value }

    public mutating func append(_ property: VCardProperty) {
        properties.append(property)
    }
}
