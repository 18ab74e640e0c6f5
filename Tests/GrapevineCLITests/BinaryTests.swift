import Foundation
import TestKit
import Testing

/// The real `grapevine` binary, run as a process: exit codes and one-line errors.
@Suite struct BinaryTests {
    static let binary = GrapevineBinary.path

    func run(_ arguments: [String], home: String) throws -> ProcessOutput {
        try ProcessRunner.run(Self.binary, arguments, environment: ["GRAPEVINE_HOME": home, "PATH": "/usr/bin:/bin"])
    }

    @Test func theBinaryRunsInitIdAndPathWithExitCodes() throws {
        let home = TestHome.temporaryPath()
        let created = try run(["init", "--name", "Jeff"], home: home)
        #expect(created.code == 0, "\(created.stderr)")
        let again = try run(["init"], home: home)
        #expect(again.code == 1)
        #expect(again.stderr.hasPrefix("error: an identity already exists at "))
        #expect(again.stderr.split(separator: "\n").count == 1)
        let id = try run(["id", "--json"], home: home)
        #expect(id.code == 0)
        #expect(id.stdout.contains("\"id\" : \"gv1"))
        let unknown = try run(["path", "Kevin"], home: home)
        #expect(unknown.code == 1)
        #expect(unknown.stderr.split(separator: "\n").count == 1)
        #expect(!unknown.stderr.contains("Fatal") && !unknown.stderr.contains("Stack"))
    }

    @Test func theBinaryFailsCleanlyWithoutAHome() throws {
        let home = TestHome.temporaryPath()
        let result = try run(["contacts"], home: home)
        #expect(result.code == 1)
        #expect(result.stderr == "error: no Grapevine home at \(home): run `grapevine init` first, or pass --home DIR\n")
        let usage = try run(["connect"], home: home)
        #expect(usage.code == 64)
        #expect(usage.stderr.hasPrefix("Error: Missing expected argument '<who>'"))
    }

    @Test("the binary runs ICU's spoof checker beside Foundation's ICU: a bidi override is refused, a Cyrillic lookalike flagged")
    func theBinaryChecksNamesWithICU() throws {
        let home = TestHome.temporaryPath()
        #expect(try run(["init", "--name", "J\u{0435}ff"], home: home).code == 0)
        let reversed = try run(["card", "set", "fn", "\u{202E}ffeJ"], home: home)
        #expect(reversed.code == 1)
        #expect(reversed.stderr.hasPrefix("error: fn holds \\u{202E}, a character that hides or reorders text"))
        let contacts = try run(["contacts", "--json"], home: home)
        #expect(contacts.code == 0, "\(contacts.stderr)")
        #expect(contacts.stdout.contains("\"mixed-scripts\""))
        let connections = try run(["connections"], home: home)
        #expect(connections.stdout == "no connections yet: `grapevine connect WHO` records one\n")
    }

    @Test func anUnreadableKeyIsOneLineNotACrash() throws {
        let home = TestHome.temporaryPath()
        #expect(try run(["init"], home: home).code == 0)
        let key = home + "/identity.key"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let result = try run(["id"], home: home)
        #expect(result.code == 1)
        #expect(result.stderr == "error: permissions 644 for \(key) are too open: the key must be readable by its owner only; run `chmod 600 \(key)`\n")
    }
}
