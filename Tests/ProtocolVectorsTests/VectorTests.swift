import Foundation
import GossipEngine
import Testing
import Sodium
import SealedDatagrams
import GrapevineVectors
@testable import GrapevineCore

/// Checks every file in Protocol/vectors/ against the code, and that regenerating them changes nothing.
@Suite("Protocol vectors")
struct VectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors")

    func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try VectorJSON.decode(type, from: Data(contentsOf: Self.directory.appendingPathComponent(name)))
    }

    @Test("the committed vector files are exactly what the generator writes")
    func filesAreCurrent() throws {
        for file in try VectorGenerator.files() {
            let committed = try Data(contentsOf: Self.directory.appendingPathComponent(file.name))
            #expect(committed == file.data, "\(file.name) is stale: run `make vectors` and commit the result")
        }
    }

    @Test("identity vectors: key, text form and fingerprint from the seed")
    func identities() throws {
        let file = try load(IdentityVectorFile.self, "identities.json")
        #expect(file.vectors.count >= 3)
        for v in file.vectors {
            let seed = try #require(Hex.decode(v.seed))
            let key = try #require(Ed25519.SigningKey(seed: seed))
            let id = try #require(PublicIdentity(bytes: key.publicKey))
            #expect(Hex.encode(id.bytes) == v.publicKey)
            #expect(id.text == v.text)
            #expect(id.fingerprint == v.fingerprint)
            #expect(try PublicIdentity(parsing: v.text) == id)
        }
        for bad in file.invalidTexts {
            do {
                _ = try PublicIdentity(parsing: bad.text)
                Issue.record("\(bad.text) was accepted")
            } catch {
                #expect(error.code == bad.error, "\(bad.description)")
            }
        }
    }

    @Test("another signature of a body is valid with the same id, and so is an entry by a key outside the prime-order subgroup, which has no X25519 form")
    func otherSignatures() throws {
        let file = try load(EntryVectorFile.self, "entries.json")
        #expect(file.otherSignatures.map(\.name) == ["second-signature", "mixed-order-key"])
        for v in file.otherSignatures {
            let entry = try SignedEntry.decode(try #require(Hex.decode(v.entry)))
            #expect(entry.id.hex == v.id, "\(v.name)")
        }
        let mixed = try SignedEntry.decode(try #require(Hex.decode(file.otherSignatures[1].entry)))
        #expect(X25519.publicKey(fromEd25519: mixed.author.bytes) == nil, "no datagram can be sealed to or from it")
    }

    @Test("every positive entry vector is accepted with the stated id, fields and content")
    func positiveEntries() throws {
        let file = try load(EntryVectorFile.self, "entries.json")
        #expect(file.domainHex == Hex.encode(Array("grapevine/entry/v1\u{0}".utf8)))
        #expect(Set(file.vectors.map(\.kind)).isSuperset(of: [1, 2, 3, 4, 5]))
        #expect(file.vectors.contains { !EntryKind(rawValue: $0.kind).isKnown && $0.kept })
        for v in file.vectors {
            let bytes = try #require(Hex.decode(v.entry))
            let entry = try SignedEntry.decode(bytes)
            #expect(entry.id.hex == v.id, "\(v.name)")
            #expect(Hex.encode(entry.body) == v.body)
            #expect(Hex.encode(entry.signature) == v.signature)
            #expect(Hex.encode(entry.author.bytes) == v.author)
            #expect(entry.kind.rawValue == v.kind && entry.kind.name == v.kindName)
            #expect(entry.stamp.rawValue == v.stamp)
            #expect(Hex.encode(entry.key) == v.key)
            #expect(VectorGenerator.content(of: entry.content) == v.content, "\(v.name)")
            let seed = try #require(Hex.decode(v.seed))
            let key = try #require(Ed25519.SigningKey(seed: seed))
            #expect(Hex.encode(key.sign(SignedEntry.signingInput(entry.body))) == v.signature, "deterministic signature")
        }
    }

    @Test("every negative vector is refused with its stated reason")
    func negativeEntries() throws {
        let file = try load(NegativeVectorFile.self, "negative.json")
        let required: Set<String> = [
            "bad-signature", "wrong-domain-prefix", "non-canonical-s", "small-order-key", "small-order-r",
            "non-canonical-body-field-order", "oversize-body", "invalid-utf8", "truncated",
        ]
        #expect(required.isSubset(of: Set(file.vectors.map(\.name))))
        for v in file.vectors {
            let bytes = try #require(Hex.decode(v.entry))
            do {
                _ = try SignedEntry.decode(bytes)
                Issue.record("\(v.name) was accepted")
            } catch {
                #expect(error.reason.rawValue == v.reason, "\(v.name): \(error)")
            }
        }
    }

    @Test("the crafted signature faults satisfy the curve equation, so only the extra checks refuse them")
    func craftedFaultsAreMathematicallyValid() throws {
        let file = try load(NegativeVectorFile.self, "negative.json")
        for name in ["non-canonical-s", "small-order-r", "small-order-key"] {
            let v = try #require(file.vectors.first { $0.name == name })
            let bytes = try #require(Hex.decode(v.entry))
            let parsed = try ParsedEntry.parse(bytes)
            #expect(Ed25519.structuralFault(signature: parsed.signature, publicKey: parsed.author.bytes) != nil)
        }
    }
}

@Suite("Datagram vectors")
struct DatagramVectorTests {
    @Test("every sealed datagram vector opens to its payload, and every drop has its reason")
    func datagrams() throws {
        let url = VectorTests.directory.appendingPathComponent("datagrams.json")
        let file = try VectorJSON.decode(DatagramVectorFile.self, from: Data(contentsOf: url))
        #expect(file.magic == DatagramFormat.magic && file.maxDatagramSize == DatagramFormat.maxDatagramSize)
        for v in file.vectors {
            let seed = try #require(Hex.decode(v.recipientSeed))
            let bob = try #require(Ed25519.SigningKey(seed: seed))
            var opener = DatagramOpener(signingKey: bob)
            let bytes = try #require(Hex.decode(v.datagram))
            let opened = try opener.open(bytes, source: [192, 0, 2, 1], nowMillis: 0).get()
            #expect(Hex.encode(opened.payload) == v.payload, "\(v.name)")
            #expect(Hex.encode(opened.sender.bytes) == v.sender)
            #expect(opened.epoch == v.epoch && opened.counter == v.counter)
            #expect(Hex.encode(Array(bytes[DatagramFormat.nonceOffset..<DatagramFormat.boxOffset])) == v.nonce)
        }
        for d in file.drops {
            let seed = try #require(Hex.decode(d.recipientSeed))
            let bob = try #require(Ed25519.SigningKey(seed: seed))
            var opener = DatagramOpener(signingKey: bob)
            let bytes = try #require(Hex.decode(d.datagram))
            switch opener.open(bytes, source: [192, 0, 2, 1], nowMillis: 0) {
            case .success(let opened) where d.statedVersion != nil:
                // Opened only to name the sender; the node acts on nothing of another version: a
                // version 1 datagram, or a payload that states another version.
                #expect(Hex.encode(opened.sender.bytes) == d.sender, "\(d.name)")
                #expect(GossipMessage.statedVersion(opened.payload) == d.statedVersion, "\(d.name)")
                if opened.version == DatagramFormat.version {
                    do {
                        _ = try GossipMessage.decode(opened.payload)
                        Issue.record("\(d.name): the payload was accepted")
                    } catch {
                        #expect(error.code.rawValue == d.reason, "\(d.name)")
                    }
                } else {
                    #expect(opened.version == 1 && d.reason == "old-version", "\(d.name)")
                }
            case .success: Issue.record("\(d.name) was opened")
            case .failure(let reason): #expect(reason.rawValue == d.reason, "\(d.name)")
            }
        }
    }
}

@Suite("Replay window vectors")
struct ReplayWindowVectorTests {
    @Test("the replay window gives each listed datagram its verdict: the highest counter and the 63 below are inside")
    func replayWindow() throws {
        let url = VectorTests.directory.appendingPathComponent("datagrams.json")
        let file = try VectorJSON.decode(DatagramVectorFile.self, from: Data(contentsOf: url))
        let first = try #require(file.replayWindow.first)
        var window = ReplayWindow(epoch: first.epoch, counter: first.counter)
        #expect(first.verdict == "fresh")
        for step in file.replayWindow.dropFirst() {
            let verdict = window.record(epoch: step.epoch, counter: step.counter)
            #expect("\(verdict)" == step.verdict, "(\(step.epoch), \(step.counter))")
        }
        #expect(file.replayWindow.contains { $0.counter == 37 && $0.verdict == "fresh" }, "63 below the highest is inside")
        #expect(file.replayWindow.contains { $0.counter == 36 && $0.verdict == "stale" }, "64 below is stale")
    }
}

@Suite("Invite vectors")
struct InviteVectorTests {
    @Test("every invite vector decodes to its endpoint entry, and every invalid token is refused with its code")
    func invites() throws {
        let url = VectorTests.directory.appendingPathComponent("invites.json")
        let file = try VectorJSON.decode(InviteVectorFile.self, from: Data(contentsOf: url))
        for v in file.vectors {
            let invite = try Invite(parsing: v.text)
            #expect(Hex.encode(invite.entry.encoded) == v.entry, "\(v.name)")
            // Encoding gives the token without the white space a vector may carry.
            #expect(invite.text == String(v.text.unicodeScalars.filter { !$0.properties.isWhitespace }), "\(v.name)")
        }
        for bad in file.invalid {
            do {
                _ = try Invite(parsing: bad.text)
                Issue.record("\(bad.description) was accepted")
            } catch {
                #expect(error.code == bad.error, "\(bad.description)")
            }
        }
    }
}

@Suite("Address vectors")
struct AddressVectorFileTests {
    @Test("every address vector is a valid endpoint entry whose usable addresses follow the rule of §11.3")
    func usableAddresses() throws {
        let url = VectorTests.directory.appendingPathComponent("addresses.json")
        let file = try VectorJSON.decode(AddressVectorFile.self, from: Data(contentsOf: url))
        #expect(Set(file.vectors.map(\.name)).isSuperset(of: ["limited-broadcast", "multicast", "unspecified", "loopback"]))
        for v in file.vectors {
            let entry = try SignedEntry.decode(try #require(Hex.decode(v.entry)))
            guard case .endpoint(let info) = entry.content else {
                Issue.record("\(v.name) is not an endpoint entry")
                continue
            }
            for (loopback, stated) in [(true, v.usableLoopbackListener), (false, v.usableOtherListener)] {
                let usable = info.addresses.filter {
                    UnusableAddress.reason(ip: $0.ip, port: $0.port, listenerIsLoopback: loopback) == nil
                }
                #expect(usable.map { "\($0.kind) \(IPText.format($0.ip)) \($0.port)" } == stated.map { "\($0.kind) \($0.ip) \($0.port)" },
                        "\(v.name), loopback listener: \(loopback)")
            }
        }
    }
}
