import Foundation
import GrapevineCLI
import GrapevineCore
import GrapevineStore
import Sodium
import TestKit
import Testing
@testable import grapevine

/// What one in-process command run printed and returned.
struct CommandResult {
    var code: Int32
    var stdout: String
    var stderr: String
}

/// A temporary home (or several) and a way to run `grapevine` commands against it in-process,
/// with a fixed clock and captured output.
struct TestHome {
    static let baseMillis: UInt64 = 1_750_000_000_000

    let path: String
    let environment: [String: String]

    init(path: String = TestHome.temporaryPath()) {
        self.path = path
        self.environment = ["HOME": "/nonexistent-home", "GRAPEVINE_HOME": path]
    }

    /// A fresh home path, not created yet and removed when the tests exit.
    static func temporaryPath() -> String {
        TemporaryDirectory.path("grapevine-cli")
    }

    /// Runs `grapevine ARGS…` with this home as $GRAPEVINE_HOME.
    @discardableResult
    func run(_ arguments: String..., millis: UInt64 = TestHome.baseMillis) -> CommandResult {
        run(arguments, millis: millis)
    }

    @discardableResult
    func run(_ arguments: [String], millis: UInt64 = TestHome.baseMillis) -> CommandResult {
        let out = BufferedOutput()
        let err = BufferedOutput()
        let context = CLIContext(environment: environment, physicalMillis: { millis }, output: out, errorOutput: err)
        let code = CommandRunner.run(Grapevine.self, arguments: arguments, context: context)
        return CommandResult(code: code, stdout: out.text, stderr: err.text)
    }

    /// Creates the home with `init --name`, and returns its identity.
    static func create(_ name: String) throws -> (home: TestHome, id: PublicIdentity) {
        let home = TestHome()
        let result = home.run("init", "--name", name)
        #expect(result.code == 0, "init failed: \(result.stderr)")
        return (home, try home.identity())
    }

    func identity() throws -> PublicIdentity {
        let key = try KeyFile.load(from: GrapevineHome(path: path).keyFilePath)
        return try #require(PublicIdentity(bytes: key.publicKey))
    }

    func openStore() throws -> Store {
        try Store(path: GrapevineHome(path: path).storePath, physicalMillis: TestHome.baseMillis)
    }

    /// Parses a command's JSON output.
    static func json(_ result: CommandResult) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
    }
}

/// Copies every home's own entries into every other home, as gossip would.
func syncAll(_ homes: [TestHome]) throws {
    var all: [SignedEntry] = []
    for home in homes {
        let store = try home.openStore()
        for (_, encoded) in try store.outbox(limit: 10_000) {
            all.append(try ParsedEntry.parse(encoded).verified())
        }
    }
    for home in homes {
        let store = try home.openStore()
        _ = try store.ingest(all.map { .success($0) }, physicalMillis: TestHome.baseMillis)
    }
}

/// Someone else on the network, with a fixed key, whose signed entries a test feeds into a
/// home's store as if gossip had brought them.
struct Peer {
    let key: Ed25519.SigningKey
    let id: PublicIdentity
    let name: String

    init(_ n: Int, name: String) {
        var seed = [UInt8](repeating: 0, count: 32)
        seed[0] = UInt8(truncatingIfNeeded: n)
        seed[1] = UInt8(truncatingIfNeeded: n >> 8)
        seed[31] = 0x7c
        guard let key = Ed25519.SigningKey(seed: seed), let id = PublicIdentity(bytes: key.publicKey) else {
            preconditionFailure("a 32-byte seed makes a valid key")
        }
        self.key = key
        self.id = id
        self.name = name
    }

    func sign(_ content: EntryContent, counter: UInt16 = 0) throws -> SignedEntry {
        try SignedEntry.sign(content, stamp: HLCStamp(millis: TestHome.baseMillis - 1000, counter: counter), with: key)
    }

    /// This peer's card name and its connected edges to `targets`.
    func entries(connectedTo targets: [PublicIdentity]) throws -> [SignedEntry] {
        try [sign(.card(CardUpdate(field: "fn", values: [CardItem(name)])))]
            + targets.map { try sign(.edge(EdgeInfo(target: $0, state: .connected))) }
    }
}

extension TestHome {
    /// Merges `entries` into this home's store, as the ingest pipeline would.
    func ingest(_ entries: [SignedEntry]) throws {
        _ = try openStore().ingest(entries.map { .success($0) }, physicalMillis: TestHome.baseMillis)
    }
}


