import Foundation
import TestKit
import Testing

/// Homes as people type them, through the real binary in a scratch working directory: short
/// relative names, `.`, `..`, trailing slashes, spaces, nested folders and symbolic links.
@Suite struct HomePathTests {
    /// One way to name a home: the text given to --home, the working directory it is typed in
    /// (relative to a fresh scratch folder), where the identity must land, and the home as printed.
    struct Case: Sendable, CustomTestStringConvertible {
        var home: String
        var directory: String
        var keyFile: String
        var printed: String
        var testDescription: String { "--home \"\(home)\" in ./\(directory)" }
    }

    static let cases: [Case] = [
        Case(home: "a", directory: "", keyFile: "a/identity.key", printed: "a"),
        Case(home: ".", directory: "here", keyFile: "here/identity.key", printed: "."),
        Case(home: "..", directory: "up/inner", keyFile: "up/identity.key", printed: ".."),
        Case(home: "b/", directory: "", keyFile: "b/identity.key", printed: "b"),
        Case(home: "c//", directory: "", keyFile: "c/identity.key", printed: "c"),
        Case(home: "my home", directory: "", keyFile: "my home/identity.key", printed: "my home"),
        Case(home: "x/y z/w", directory: "", keyFile: "x/y z/w/identity.key", printed: "x/y z/w"),
        Case(home: "link", directory: "", keyFile: "real/identity.key", printed: "link"),
        Case(home: "link/", directory: "", keyFile: "real/identity.key", printed: "link"),
    ]

    /// A fresh scratch folder holding `real/` and `link -> real`, and the given working directory.
    static func scratch(_ directory: String) throws -> String {
        let base = try TemporaryDirectory.create("grapevine-homes")
        try FileManager.default.createDirectory(atPath: base + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/link", withDestinationPath: base + "/real")
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: base + "/" + directory, withIntermediateDirectories: true)
        }
        return base
    }

    static func grapevine(_ arguments: [String], in directory: String) throws -> ProcessOutput {
        try ProcessRunner.run(GrapevineBinary.path, arguments,
                              environment: ["HOME": "/nonexistent-home", "PATH": "/usr/bin:/bin"], directory: directory)
    }

    @Test("init and id work on every odd --home, and the identity lands where the path points", arguments: cases)
    func oddHomesWork(_ item: Case) throws {
        let base = try Self.scratch(item.directory)
        let cwd = item.directory.isEmpty ? base : base + "/" + item.directory
        let created = try Self.grapevine(["init", "--name", "T", "--home", item.home, "--json"], in: cwd)
        #expect(created.code == 0, "\(created.stderr)")
        #expect(!created.stderr.contains("crashed"))
        #expect(FileManager.default.fileExists(atPath: base + "/" + item.keyFile))
        let json = try #require(try created.json() as? [String: Any])
        let id = try #require(json["id"] as? String)
        #expect(json["home"] as? String == item.printed)
        let shown = try Self.grapevine(["id", "--home", item.home], in: cwd)
        #expect(shown.code == 0, "\(shown.stderr)")
        #expect(shown.stdout.hasPrefix(id))
        let card = try Self.grapevine(["card", "show", "--home", item.home], in: cwd)
        #expect(card.stdout.contains("fn  T"), "\(card.stderr)")
    }

    @Test("a home that is a symbolic link to nothing is one line of error, not a crash")
    func aDanglingLinkIsRefused() throws {
        let base = try Self.scratch("")
        try FileManager.default.createSymbolicLink(atPath: base + "/dangling", withDestinationPath: base + "/nowhere")
        let result = try Self.grapevine(["init", "--home", "dangling"], in: base)
        #expect(result.code == 1)
        #expect(result.stderr == "error: dangling is a symbolic link to nothing: create the folder it points to, or choose another --home\n")
    }

    @Test("a home under a file is refused in one line")
    func aHomeUnderAFileIsRefused() throws {
        let base = try Self.scratch("")
        #expect(FileManager.default.createFile(atPath: base + "/f", contents: Data("x".utf8)))
        let result = try Self.grapevine(["init", "--home", "f/h"], in: base)
        #expect(result.code == 1)
        #expect(result.stderr == "error: f exists and is not a directory; choose another --home\n")
    }
}
