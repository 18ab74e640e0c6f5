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
}
