import Foundation
import TestKit
import Testing
@testable import VCard

/// The client fixtures, by file name, with the client whose quirks each follows.
enum Fixture: String, CaseIterable, CustomTestStringConvertible {
    case appleContacts = "apple-contacts"
    case iOS = "ios"
    case android = "android"
    case gmail = "gmail"
    case outlook2003 = "outlook-2003"
    case outlook2007 = "outlook-2007"
    case evolution = "evolution"
    case lotusNotes = "lotus-notes"
    case thunderbird = "thunderbird"

    var testDescription: String { rawValue }

    /// The raw bytes; fixtures are bytes, not text, because some are not UTF-8.
    func data() throws -> Data {
        try Fixture.data(named: rawValue)
    }

    func parse() throws -> VCardParseResult {
        try VCardParser().parse(data())
    }

    static func data(named name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "vcf",
                                                 subdirectory: "Fixtures"),
                               "fixture \(name).vcf is missing from the test bundle")
        return try Data(contentsOf: url)
    }
}

/// Runs `python3 -c SCRIPT ARGS…` and returns its standard output.
///
/// The independent-parser tests must never pass silently: if python3 or vobject is missing,
/// this records a failure that says how to get them.
enum Python {
    static func run(_ script: String, arguments: [String] = [], stdin: String? = nil) throws -> ProcessOutput {
        try ProcessRunner.run("/usr/bin/env", ["python3", "-c", script] + arguments, stdin: stdin ?? "")
    }

    static let missingToolsMessage =
        "python3 with the vobject package is required to check exports independently; run `make test`, which installs them"

    /// Throws, failing the test with the message above, unless python3 and vobject are available.
    static func requireVobject() throws {
        let probe = try? run("import vobject")
        guard let probe, probe.code == 0 else {
            throw MissingTools(detail: probe?.stderr ?? "python3 could not be started")
        }
    }

    struct MissingTools: Error, CustomStringConvertible {
        var detail: String
        var description: String { Python.missingToolsMessage + " (\(detail.trimmingCharacters(in: .whitespacesAndNewlines)))" }
    }
}
