import Foundation
import TestKit
import Testing

/// A home whose store is missing, damaged or read-only, through the real binary: one line that
/// says what is wrong and what to do, never SQLite's own words, and `id` still works.
@Suite(.serialized) struct StoreTroubleTests {
    static func grapevine(_ arguments: [String], home: String) throws -> ProcessOutput {
        try ProcessRunner.run(GrapevineBinary.path, arguments + ["--home", home], environment: ["PATH": "/usr/bin:/bin"])
    }

    static func created() throws -> (home: String, id: String) {
        let home = TestHome.temporaryPath()
        let result = try grapevine(["init", "--name", "Jeff", "--json"], home: home)
        let json = try #require(try result.json() as? [String: Any])
        return (home, try #require(json["id"] as? String))
    }

    static func expectNoSQLite(_ output: ProcessOutput) {
        for word in ["SQLite", "PRAGMA", "grdb", "CREATE TABLE", "while executing"] {
            #expect(!output.stderr.contains(word), "\(output.stderr)")
        }
        #expect(output.stderr.split(separator: "\n").count == 1, "\(output.stderr)")
    }

    @Test("a home whose store was deleted is refused, not given a new empty store; init --recover starts one and says what it means")
    func aMissingStoreIsRefusedUntilRecovered() throws {
        let (home, id) = try Self.created()
        try FileManager.default.removeItem(atPath: home + "/store.sqlite")
        let missing = "error: \(home) holds an identity but no store (\(home)/store.sqlite is missing): run `grapevine init --recover` to start a fresh one; the network still holds your signed entries\n"
        for command in [["card", "show"], ["contacts"], ["card", "set", "title", "x"], ["init"]] {
            let result = try Self.grapevine(command, home: home)
            #expect(result.code == 1, "\(command)")
            #expect(result.stderr == missing, "\(command)")
        }
        #expect(!FileManager.default.fileExists(atPath: home + "/store.sqlite"))
        #expect(try Self.grapevine(["id"], home: home).stdout.hasPrefix(id))
        let recovered = try Self.grapevine(["init", "--recover"], home: home)
        #expect(recovered.code == 0, "\(recovered.stderr)")
        #expect(recovered.stdout.hasPrefix("started a fresh store in \(home)\n"))
        #expect(recovered.stdout.contains(id))
        #expect(recovered.stdout.contains("the network still holds every entry you signed"))
        #expect(recovered.stdout.contains("they come back from your peers"))
        #expect(try Self.grapevine(["card", "show"], home: home).code == 0)
        let again = try Self.grapevine(["init", "--recover"], home: home)
        #expect(again.code == 1)
        #expect(again.stderr.hasPrefix("error: \(home)/store.sqlite is there, so there is nothing to recover"))
        let none = try Self.grapevine(["init", "--recover"], home: TestHome.temporaryPath())
        #expect(none.code == 1)
        #expect(none.stderr.hasPrefix("error: nothing to recover: "))
    }

    @Test("a damaged store says so and how to recover; id needs only the key file")
    func aDamagedStoreIsExplained() throws {
        let (home, id) = try Self.created()
        let store = home + "/store.sqlite"
        try FileManager.default.removeItem(atPath: store)
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: store))
        for command in [["card", "show"], ["inspect"], ["card", "add", "email", "a@example.com"]] {
            let result = try Self.grapevine(command, home: home)
            #expect(result.code == 1)
            #expect(result.stderr == "error: the store \(store) is damaged or is not a Grapevine store: move it aside (`mv \(store) \(store).damaged`) and run `grapevine init --recover` to start a fresh one; the network still holds your signed entries\n")
            Self.expectNoSQLite(result)
        }
        let shown = try Self.grapevine(["id", "--json"], home: home)
        #expect(shown.code == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains(id))
    }

    @Test("a read-only home says it is read-only and what to do; id still works")
    func aReadOnlyHomeIsExplained() throws {
        let (home, id) = try Self.created()
        let readOnly = try ReadOnlyFolder(home)
        defer { readOnly.restore() }
        for command in [["card", "show"], ["card", "set", "title", "x"], ["contacts"]] {
            let result = try Self.grapevine(command, home: home)
            #expect(result.code == 1)
            #expect(result.stderr.hasPrefix("error: cannot write the store \(home)/store.sqlite: its folder, the file or the file system is read-only; "))
            Self.expectNoSQLite(result)
        }
        #expect(try Self.grapevine(["id"], home: home).stdout.hasPrefix(id))
    }
}

/// Makes a folder read-only for this process: a read-only bind mount when running as root
/// (root writes through file modes), else `chmod 0555`.
struct ReadOnlyFolder {
    let path: String
    let mounted: Bool

    init(_ path: String) throws {
        self.path = path
        if getuid() == 0 {
            for arguments in [["--bind", path, path], ["-o", "remount,ro,bind", path]] {
                let result = try ProcessRunner.run("/bin/mount", arguments)
                try #require(result.code == 0, "mount \(arguments): \(result.stderr)")
            }
            mounted = true
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: path)
            mounted = false
        }
    }

    func restore() {
        if mounted {
            _ = try? ProcessRunner.run("/bin/umount", [path])
        } else {
            try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        }
    }
}
