/// Turns a card into the property list a given output version needs.
///
/// Shared by `VCardWriter` and `JCardWriter` so that vCard 4.0 and jCard always carry exactly
/// the same properties.
enum VCardExport {
    /// The properties a 4.0 card (and its jCard) holds: the model's, with `FN` added when
    /// missing, because RFC 6350 requires it.
    static func version4Properties(of card: VCard) -> [VCardProperty] {
        var properties = card.properties.filter { !reserved.contains($0.name) }
        if !properties.contains(where: { $0.name == "FN" }) {
            properties.insert(VCardProperty(name: "FN", value: derivedFormattedName(of: card)), at: 0)
        }
        return properties
    }

    /// The properties of a 3.0 card: see `VCardWriter.Target.v3_0`.
    static func version3Properties(of card: VCard) -> [VCardProperty] {
        var properties: [VCardProperty] = []
        for original in card.properties where !reserved.contains(original.name) {
            var property = original
            let kind = original.kind
            if versionFourOnlyProperties.contains(property.name) {
                property.name = "X-" + property.name
            }
            var parameters = property.parameters
            if parameters.removeValue(forKey: "PREF") != nil {
                parameters["TYPE", default: []].append("pref")
            }
            let label = parameters.removeValue(forKey: "LABEL")?.first
            for name in versionFourOnlyParameters { parameters[name] = nil }
            if let value = parameters["VALUE"]?.first {
                switch value {
                case "date-and-or-time", "language-tag": parameters["VALUE"] = nil
                case "timestamp": parameters["VALUE"] = ["date-time"]
                default: break
                }
            }
            if kind == .uri, let data = DataURI(property.rawValue), let base64 = data.base64 {
                parameters["ENCODING"] = ["b"]
                parameters["VALUE"] = nil
                parameters["TYPE", default: []].insert(DataURI.typeToken(forMediaType: data.mediaType),
                                                       at: 0)
                property.rawValue = base64
            } else if kind == .uri, binaryProperties.contains(property.name) {
                parameters["VALUE"] = ["uri"]
            } else if property.name == "GEO", property.rawValue.lowercased().hasPrefix("geo:") {
                let coordinates = property.rawValue.dropFirst(4).split(separator: ",")
                if coordinates.count >= 2 {
                    property.rawValue = "\(coordinates[0]);\(coordinates[1])"
                    parameters["VALUE"] = ["float"]
                }
            } else if property.name == "TEL", kind == .uri,
                      property.rawValue.lowercased().hasPrefix("tel:") {
                property.rawValue = String(property.rawValue.dropFirst(4))
                parameters["VALUE"] = nil
            }
            property.parameters = parameters
            properties.append(property)
            if property.name == "ADR", let label {
                // Set after init: the initializer would turn TYPE=pref back into PREF=1.
                var labelProperty = VCardProperty(group: property.group, name: "LABEL", value: label)
                labelProperty.parameters["TYPE"] = parameters["TYPE"]
                properties.append(labelProperty)
            }
        }
        if !properties.contains(where: { $0.name == "N" }) {
            properties.insert(VCardProperty(name: "N", fields: [[""], [""], [""], [""], [""]]), at: 0)
        }
        if !properties.contains(where: { $0.name == "FN" }) {
            properties.insert(VCardProperty(name: "FN", value: derivedFormattedName(of: card)), at: 0)
        }
        return properties
    }

    /// A display name for a card without `FN`: from `N`, else `ORG`, else the first `EMAIL`.
    static func derivedFormattedName(of card: VCard) -> String {
        if let n = card.first("N")?.structuredValue {
            let order = [3, 1, 2, 0, 4].filter { $0 < n.count }
            let name = order.flatMap { n[$0] }.filter { !$0.isEmpty }.joined(separator: " ")
            if !name.isEmpty { return name }
        }
        if let org = card.first("ORG")?.components.first, !org.isEmpty { return org }
        return card.first("EMAIL")?.value ?? ""
    }

    private static let reserved: Set<String> = ["BEGIN", "END", "VERSION"]
    private static let binaryProperties: Set<String> = ["PHOTO", "LOGO", "SOUND", "KEY"]
    private static let versionFourOnlyProperties: Set<String> = [
        "KIND", "GENDER", "ANNIVERSARY", "RELATED", "LANG", "XML", "MEMBER", "CLIENTPIDMAP",
    ]
    private static let versionFourOnlyParameters = [
        "PID", "ALTID", "MEDIATYPE", "CALSCALE", "SORT-AS", "GEO", "TZ", "INDEX", "LEVEL", "CC",
    ]
}
