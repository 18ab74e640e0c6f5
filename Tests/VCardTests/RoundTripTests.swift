import Foundation
import Testing
@testable import VCard

/// Parse, write 4.0, parse again: the properties must come back the same.
@Suite("Round trips")
struct RoundTripTests {
    @Test("parse → write 4.0 → parse gives the same properties", arguments: Fixture.allCases)
    func version4(_ fixture: Fixture) throws {
        let original = try fixture.parse().cards
        let written = VCardWriter(target: .v4_0).write(original)
        let reread = try VCardParser(options: .init(strict: true)).parse(written)
        #expect(reread.cards.count == original.count)
        for (before, after) in zip(original, reread.cards) {
            #expect(after.version == .v4_0)
            #expect(after.properties == before.properties)
        }
        // Writing is a fixed point: the second export is byte-identical to the first.
        #expect(VCardWriter(target: .v4_0).write(reread.cards) == written)
    }

    @Test("parse → write 3.0 → parse keeps every registry field", arguments: Fixture.allCases)
    func version3(_ fixture: Fixture) throws {
        let registry = ["FN", "N", "ORG", "TITLE", "ROLE", "NOTE", "EMAIL", "TEL", "URL", "ADR", "IMPP", "CATEGORIES", "PHOTO"]
        let original = try fixture.parse().cards
        let written = VCardWriter(target: .v3_0).write(original)
        let reread = try VCardParser(options: .init(strict: true)).parse(written)
        for (before, after) in zip(original, reread.cards) {
            for name in registry {
                let expected = before.properties(named: name).map { property in
                    // 3.0 has no TEL uri; the writer drops the scheme.
                    var copy = property
                    // 3.0 has no ADR;LABEL; the writer moves it to a LABEL property.
                    copy.parameters["LABEL"] = nil
                    if name == "TEL", copy.kind == .uri, copy.rawValue.hasPrefix("tel:") {
                        copy.rawValue.removeFirst(4)
                        copy.parameters["VALUE"] = nil
                    }
                    return copy
                }
                #expect(after.properties(named: name) == expected, "\(name)")
            }
            let labels = before.properties(named: "ADR").compactMap { $0.parameters["LABEL"]?.first }
            for label in labels {
                #expect(after.properties(named: "LABEL").contains { $0.value == label })
            }
        }
    }
}
