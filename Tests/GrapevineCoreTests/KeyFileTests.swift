import Foundation
@testable import GrapevineCore
import TestKit
import Testing

@Suite("Key files")
struct KeyFileTests {
    let dir: String

    init() throws {
        dir = try TemporaryDirectory.create("grapevine-keyfile")
    }

    @Test("a new key file is created with mode 0600 and loads back the same identity")
    func createsOwnerOnlyFile() throws {
        let path = dir + "/identity.key"
        let key = try KeyFile.create(at: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let loaded = try KeyFile.load(from: path)
        #expect(loaded.publicKey == key.publicKey)
    }

    @Test("a key file readable by group or others is refused with a chmod hint", arguments: [0o640, 0o604, 0o644])
    func refusesReadableFile(mode: Int) throws {
        let path = dir + "/open-\(mode).key"
        _ = try KeyFile.create(at: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        #expect(throws: KeyFileError.tooOpen(path, mode: mode_t(mode))) { try KeyFile.load(from: path) }
        let message = KeyFileError.tooOpen(path, mode: mode_t(mode)).description
        #expect(message.contains("chmod 600 \(path)"))
    }

    @Test("an existing key file is never overwritten")
    func refusesOverwrite() throws {
        let path = dir + "/identity.key"
        let first = try KeyFile.create(at: path)
        #expect(throws: KeyFileError.alreadyExists(path)) { try KeyFile.create(at: path) }
        #expect(try KeyFile.load(from: path).publicKey == first.publicKey)
    }

    @Test("a missing or garbled key file gives an error that says what to do")
    func reportsMissingAndMalformed() throws {
        let missing = dir + "/nothing.key"
        #expect(throws: KeyFileError.missing(missing)) { try KeyFile.load(from: missing) }
        #expect(KeyFileError.missing(missing).description.contains("grapevine init"))
        let garbled = dir + "/garbled.key"
        FileManager.default.createFile(atPath: garbled, contents: Data("not a key\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        #expect(throws: KeyFileError.malformed(garbled)) { try KeyFile.load(from: garbled) }
    }

    @Test("the home comes from --home, then $GRAPEVINE_HOME, then ~/.grapevine")
    func resolvesHome() {
        let env = ["GRAPEVINE_HOME": "/env/home", "HOME": "/users/ada"]
        #expect(GrapevineHome.resolve(option: "/opt/h", environment: env).path == "/opt/h")
        #expect(GrapevineHome.resolve(option: nil, environment: env).path == "/env/home")
        #expect(GrapevineHome.resolve(option: nil, environment: ["HOME": "/users/ada"]).path == "/users/ada/.grapevine")
    }
}
