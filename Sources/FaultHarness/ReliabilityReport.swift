import Foundation

/// docs/reliability.json: one flat JSON object of figures. A run replaces every key of the
/// scenarios it ran and keeps the others (the fuzzing counts come from scripts/fuzz).
public enum ReliabilityReport {
    public static func merge(_ figures: [String: Double], of scenarios: [Scenario], into path: String) throws {
        var object: [String: Any] = [:]
        if let data = FileManager.default.contents(atPath: path),
           let existing = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let ran = Set(scenarios.map(\.rawValue))
            object = existing.filter { key, _ in !ran.contains(String(key.prefix { $0 != "." })) }
        }
        for (key, value) in figures {
            object[key] = value == value.rounded() && abs(value) < 1e15 ? Int(value) as Any : value as Any
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: path))
    }
}
