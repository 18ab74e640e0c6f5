import Foundation
import Testing

/// Private card fields across three real nodes (PROTOCOL.md §5.9): a connections-only field is read
/// by a mutual connection only, travels sealed to everyone else, and follows the connections as
/// they change.
@Suite("Private card fields, real processes", .serialized)
struct PrivateFieldTests {
    static let firstTel = "+1 231 555 0100"
    static let secondTel = "+1 231 555 0199"

    /// The tel values `person` reads on Alice's card, and the fields it cannot read.
    func alicesTel(_ net: Network, readBy person: String) throws -> (tel: [String], hidden: [String]) {
        let card = try net.object(person, ["card", "show", "Alice"])
        let fields = card["fields"] as? [String: [[String: String]]] ?? [:]
        return ((fields["tel"] ?? []).compactMap { $0["value"] }, card["privateFields"] as? [String] ?? [])
    }

    /// Every regular file under `directory` whose bytes contain `text` (the node's socket holds no bytes).
    func files(under directory: String, holding text: String) throws -> [String] {
        let needle = Data(text.utf8)
        let paths = FileManager.default.subpaths(atPath: directory) ?? []
        return try paths.sorted().filter { path in
            let full = directory + "/" + path
            let type = try FileManager.default.attributesOfItem(atPath: full)[.type] as? FileAttributeType
            guard type == .typeRegular else { return false }
            return try Data(contentsOf: URL(fileURLWithPath: full)).range(of: needle) != nil
        }
    }

    @Test("tel for connections: Bob reads it, Carol sees (private) and holds no plaintext, digests agree; after Alice disconnects Bob a new tel is Carol's to read once they connect, not Bob's")
    func connectionsOnlyTel() throws {
        let net = try Network()
        let people = ["alice", "bob", "carol"]
        for (person, name) in zip(people, ["Alice", "Bob", "Carol"]) {
            try net.ok(person, ["init", "--name", name])
        }
        try net.start("alice")
        let token = try #require(try net.ok("alice", ["invite"]).split(separator: "\n").last.map(String.init))
        try net.start("bob", ["--peer", token])
        try net.start("carol", ["--peer", token])
        try net.converge(people)

        #expect(try net.ok("alice", ["card", "set", "tel", Self.firstTel, "--type", "cell"]).contains("for connections only"))
        try net.ok("bob", ["connect", "Alice"])
        try net.converge(people)
        try net.ok("alice", ["connect", "Bob"])
        try net.converge(people)

        #expect(try net.waitUntil(timeout: 10) { try alicesTel(net, readBy: "bob").tel == [Self.firstTel] } != nil)
        let carols = try alicesTel(net, readBy: "carol")
        #expect(carols.tel.isEmpty && carols.hidden == ["tel"])
        #expect(try net.ok("carol", ["card", "show", "Alice"]).contains("(private)"))
        #expect(try net.ok("carol", ["show", "Alice"]).contains("1 private field"))
        let mine = try net.ok("alice", ["card", "show"])
        #expect(mine.contains(Self.firstTel) && mine.contains("connections"))
        try net.converge(people)
        #expect(try files(under: net.home("carol"), holding: Self.firstTel).isEmpty)
        let visibility = try net.object("carol", ["card", "show", "Alice"])["visibility"] as? [String: String]
        #expect(visibility?["tel"] == "connections", "Carol's store holds the sealed entry and forwards it")

        // Alice disconnects from Bob and changes tel: the key rotates, Bob cannot read the new value.
        try net.ok("alice", ["disconnect", "Bob"])
        try net.ok("alice", ["card", "set", "tel", Self.secondTel])
        try net.converge(people)
        let bobs = try alicesTel(net, readBy: "bob")
        #expect(bobs.tel.isEmpty && bobs.hidden == ["tel"])
        #expect(try files(under: net.home("bob"), holding: Self.secondTel).isEmpty)
        let history = try net.ok("bob", ["show", "Alice", "--history"])
        #expect(history.contains(Self.firstTel), "what Bob read before stays readable to him: \(history)")
        #expect(try files(under: net.home("carol"), holding: Self.secondTel).isEmpty)

        // Carol and Alice connect both ways, Alice first: Alice's node grants its key when Carol's
        // edge arrives, and Carol reads the new value.
        try net.ok("alice", ["connect", "Carol"])
        try net.converge(people)
        try net.ok("carol", ["connect", "Alice"])
        try net.converge(people)
        #expect(try net.waitUntil(timeout: 10) { try alicesTel(net, readBy: "carol").tel == [Self.secondTel] } != nil)
        #expect(try alicesTel(net, readBy: "bob").tel.isEmpty)
        try net.converge(people)
    }
}
