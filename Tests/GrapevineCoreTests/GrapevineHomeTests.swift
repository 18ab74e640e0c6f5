import Foundation
@testable import GrapevineCore
import TestKit
import Testing

@Suite("Grapevine home paths")
struct GrapevineHomeTests {
    @Test("the path is kept as typed but for trailing slashes; the root stays the root",
          arguments: [("a", "a"), ("a/", "a"), ("a//", "a"), (".", "."), ("./", "."), ("..", ".."), ("/", "/"),
                      ("//", "/"), ("/tmp/x/", "/tmp/x"), ("my home", "my home")])
    func trailingSlashesAreDropped(typed: String, kept: String) {
        let home = GrapevineHome(path: typed)
        #expect(home.path == kept)
        #expect(home.keyFilePath == (kept == "/" ? "/identity.key" : kept + "/identity.key"))
    }

    @Test("createDirectory makes the missing folders above the home, and the home itself 0700")
    func createsMissingParents() throws {
        let base = TemporaryDirectory.path("grapevine-home")
        let home = GrapevineHome(path: base + "/one/two/home")
        try home.createDirectory()
        #expect(home.exists)
        let attributes = try FileManager.default.attributesOfItem(atPath: home.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        try home.createDirectory()
        #expect(!home.hasKeyFile && !home.hasStore)
    }

    @Test("the home layout names every file a home holds, each joined to the home with one slash")
    func layoutNamesEveryFile() {
        let home = GrapevineHome(path: "h/")
        #expect(GrapevineHome.File.allCases.map { home.path(of: $0) } == [
            "h/identity.key", "h/store.sqlite", "h/node.lock", "h/status.json", "h/peers.json", "h/epoch", "h/node.sock",
            "h/merge.log",
        ])
        #expect([home.keyFilePath, home.storePath, home.lockFilePath] == ["h/identity.key", "h/store.sqlite", "h/node.lock"])
    }

    @Test("a home file written atomically replaces the old one, is readable by its owner only and leaves no temporary file")
    func atomicWrite() throws {
        let home = GrapevineHome(path: try TemporaryDirectory.create("grapevine-home"))
        try home.writeAtomically(Data("one".utf8), to: .peers)
        try home.writeAtomically(Data("two".utf8), to: .peers)
        #expect(home.contents(of: .peers) == Data("two".utf8))
        let attributes = try FileManager.default.attributesOfItem(atPath: home.path(of: .peers))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path) == ["peers.json"])
        #expect(home.contents(of: .status) == nil)
    }
}
