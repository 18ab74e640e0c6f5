/// Converts dates and times between the ISO 8601 extended format (`1990-01-02`, `10:22:00`)
/// and the basic format (`19900102`, `102200`).
///
/// vCard 3.0 clients write either; vCard 4.0 (RFC 6350 §4.3) wants the basic format, and jCard
/// (RFC 7095 §3.5) the extended one. The model keeps the basic format so that a date compares
/// equal whichever version it was read from. Values that fit neither pattern (`circa 1800`,
/// reduced forms like `1985-04`) are left as they are.
enum DateValue {
    static func basic(_ value: String) -> String {
        let (date, time) = splitAtT(value)
        var result = date
        let scalars = Array(date.unicodeScalars)
        if scalars.count == 10, digits(scalars, [0, 1, 2, 3, 5, 6, 8, 9]),
           scalars[4] == "-", scalars[7] == "-" {
            result = date.replacingAll("-", with: "")
        } else if scalars.count == 7, date.hasPrefix("--"), digits(scalars, [2, 3, 5, 6]),
                  scalars[4] == "-" {
            result = "--" + String(date.dropFirst(2)).replacingAll("-", with: "")
        }
        guard let time else { return result }
        var basicTime = time.replacingAll(":", with: "")
        // RFC 6350 has no fractions of a second.
        if let dot = basicTime.firstIndex(of: ".") {
            let rest = basicTime[basicTime.index(after: dot)...].drop { $0.isNumber }
            basicTime = String(basicTime[..<dot]) + rest
        }
        return result + "T" + basicTime
    }

    static func extended(_ value: String) -> String {
        let (date, time) = splitAtT(value)
        var result = date
        let scalars = Array(date.unicodeScalars)
        if scalars.count == 8, digits(scalars, Array(0..<8)) {
            let s = date
            result = "\(s.prefix(4))-\(s.dropFirst(4).prefix(2))-\(s.dropFirst(6))"
        } else if scalars.count == 6, date.hasPrefix("--"), digits(scalars, [2, 3, 4, 5]) {
            result = "--\(date.dropFirst(2).prefix(2))-\(date.dropFirst(4))"
        }
        guard let time else { return result }
        let clock = time.prefix { $0.isNumber }
        var zone = String(time.dropFirst(clock.count))
        var pairs: [String] = []
        var rest = Substring(clock)
        while !rest.isEmpty {
            pairs.append(String(rest.prefix(2)))
            rest = rest.dropFirst(2)
        }
        if (zone.hasPrefix("+") || zone.hasPrefix("-")), zone.count == 5, !zone.contains(":") {
            zone = "\(zone.prefix(3)):\(zone.dropFirst(3))"
        }
        return result + "T" + pairs.joined(separator: ":") + zone
    }

    private static func splitAtT(_ value: String) -> (String, String?) {
        guard let t = value.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return (value, nil) }
        return (String(value[..<t]), String(value[value.index(after: t)...]))
    }

    private static func digits(_ scalars: [Unicode.Scalar], _ positions: [Int]) -> Bool {
        positions.allSatisfy { ("0"..."9").contains(scalars[$0]) }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
