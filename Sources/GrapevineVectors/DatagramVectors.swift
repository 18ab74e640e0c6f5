import Foundation
import GrapevineCore
import SealedDatagrams
import Sodium

/// `datagrams.json`: sealed datagrams between two fixed identities, and datagrams a node must drop.
public struct DatagramVectorFile: Codable, Equatable, Sendable {
    public struct Vector: Codable, Equatable, Sendable {
        public var name: String
        public var senderSeed: String
        public var recipientSeed: String
        public var sender: String
        public var recipient: String
        public var senderX25519: String
        public var recipientX25519: String
        public var sharedKey: String
        public var epoch: UInt64
        public var counter: UInt64
        public var nonce: String
        public var payload: String
        public var datagram: String
    }

    public struct Drop: Codable, Equatable, Sendable {
        public var name: String
        public var recipientSeed: String
        public var datagram: String
        public var reason: String
        public var description: String
        /// For `old-version`: the sender the datagram opens as, and the version its payload states.
        public var sender: String? = nil
        public var statedVersion: UInt32? = nil
    }

    /// One authenticated datagram's (epoch, counter) and the replay window's verdict on it.
    public struct ReplayStep: Codable, Equatable, Sendable {
        public var epoch: UInt64
        public var counter: UInt64
        public var verdict: String
    }

    public var description: String
    public var magic: UInt8
    public var maxDatagramSize: Int
    public var vectors: [Vector]
    public var drops: [Drop]
    /// One sender's datagrams in arrival order, the first creating its window (PROTOCOL.md §10.4).
    public var replayWindow: [ReplayStep]
}

enum DatagramVectors {
    static func make() throws -> DatagramVectorFile {
        let alice = try VectorGenerator.key("alice")
        let bob = try VectorGenerator.key("bob")
        let bobID = PublicIdentity(bob)
        let epoch: UInt64 = 1_764_000_000_000
        var sealer = DatagramSealer(signingKey: alice, epoch: epoch)
        guard let aliceX = X25519.publicKey(fromEd25519: alice.publicKey),
              let bobX = X25519.publicKey(fromEd25519: bob.publicKey),
              let shared = X25519.sharedKey(theirPublicKey: bobX, ourSecretKey: alice.x25519SecretKey())
        else { throw GenerationError("X25519 conversion failed") }

        var vectors: [DatagramVectorFile.Vector] = []
        let payloads: [(String, [UInt8])] = [
            ("empty-payload", []),
            ("short-payload", Array("grapevine".utf8)),
            ("entry-payload", try VectorGenerator.entries().vectors[0].entry.hexBytes()),
        ]
        for (name, payload) in payloads {
            guard let datagram = sealer.seal(payload, to: bobID) else { throw GenerationError("seal failed") }
            let counter = sealer.counter
            vectors.append(.init(
                name: name, senderSeed: Hex.encode(VectorGenerator.seed("alice")),
                recipientSeed: Hex.encode(VectorGenerator.seed("bob")), sender: Hex.encode(alice.publicKey),
                recipient: Hex.encode(bob.publicKey), senderX25519: Hex.encode(aliceX), recipientX25519: Hex.encode(bobX),
                sharedKey: Hex.encode(shared), epoch: epoch, counter: counter,
                nonce: Hex.encode(DatagramFormat.nonce(epoch: epoch, counter: counter, sender: alice.publicKey)),
                payload: Hex.encode(payload), datagram: Hex.encode(datagram)))
        }

        let good = try vectors[1].datagram.hexBytes()
        let bobSeed = Hex.encode(VectorGenerator.seed("bob"))
        func drop(_ name: String, _ bytes: [UInt8], _ reason: DatagramDrop, _ description: String) -> DatagramVectorFile.Drop {
            .init(name: name, recipientSeed: bobSeed, datagram: Hex.encode(bytes), reason: reason.rawValue, description: description)
        }
        var forged = good
        forged[forged.count - 1] ^= 0x01
        var badNonce = good
        badNonce[DatagramFormat.nonceOffset + 16] ^= 0x01
        var badMagic = good
        badMagic[0] = 0x81
        var versionZero = good
        versionZero[0] = 0x90
        var newer = good
        newer[0] = 0x93
        // A version 1 datagram seals alike: the same bytes with byte 0 = 0x91, carrying a v1 payload.
        var oldSealer = DatagramSealer(signingKey: alice, epoch: epoch + 1)
        guard var old = oldSealer.seal([0x08, 0x01, 0x1a, 0x02, 0x08, 0x07], to: bobID) else {
            throw GenerationError("seal failed")
        }
        old[0] = 0x91
        // Version 2 datagrams whose payloads state another version (PROTOCOL.md §11.2 step 2).
        guard let oldFrame = oldSealer.seal([0x08, 0x01, 0x1a, 0x02, 0x08, 0x08], to: bobID),
              let newerFrame = oldSealer.seal([0x08, 0x03, 0x1a, 0x02, 0x08, 0x09], to: bobID)
        else { throw GenerationError("seal failed") }
        var wrongSender = good
        let carol = try VectorGenerator.identity("carol").bytes
        wrongSender.replaceSubrange(1..<33, with: carol)
        wrongSender.replaceSubrange(49..<57, with: carol.prefix(8))
        var mixedSender = good
        let mixed = try SignatureVectors.mixedOrderKey(alice)
        mixedSender.replaceSubrange(1..<33, with: mixed)
        mixedSender.replaceSubrange(49..<57, with: mixed.prefix(8))
        var ownKey = DatagramSealer(signingKey: bob, epoch: epoch)
        guard let fromSelf = ownKey.seal([1], to: PublicIdentity(alice)) else { throw GenerationError("seal failed") }
        let drops = [
            drop("too-small", Array(good.prefix(DatagramFormat.overhead - 1)), .tooSmall, "one byte shorter than header and MAC"),
            drop("too-large", good + [UInt8](repeating: 0, count: DatagramFormat.maxDatagramSize + 1 - good.count), .tooLarge,
                 "1201 bytes"),
            drop("bad-magic", badMagic, .badMagic, "first byte 0x81: not Grapevine"),
            drop("version-zero", versionZero, .badMagic, "first byte 0x90: version 0 does not exist"),
            drop("newer-version", newer, .newerVersion, "first byte 0x93: a later version, not opened"),
            .init(name: "old-version", recipientSeed: bobSeed, datagram: Hex.encode(old), reason: "old-version",
                  description: "first byte 0x91: version 1, opened (it seals alike) and dropped; its payload is a v1 "
                      + "GossipMessage (version 1, ping sequence 7), so alice is named as speaking version 1",
                  sender: Hex.encode(alice.publicKey), statedVersion: 1),
            .init(name: "old-version-frame", recipientSeed: bobSeed, datagram: Hex.encode(oldFrame), reason: "old-version",
                  description: "a version 2 datagram whose GossipMessage states version 1: opened, the payload dropped",
                  sender: Hex.encode(alice.publicKey), statedVersion: 1),
            .init(name: "newer-version-frame", recipientSeed: bobSeed, datagram: Hex.encode(newerFrame),
                  reason: "newer-version",
                  description: "a version 2 datagram whose GossipMessage states version 3: opened, the payload dropped",
                  sender: Hex.encode(alice.publicKey), statedVersion: 3),
            drop("own-key", fromSelf, .ownKey, "the recipient's own key as sender"),
            drop("bad-nonce", badNonce, .badNonce, "the nonce's last 8 bytes do not repeat the sender key"),
            drop("forged-mac", forged, .forged, "the last ciphertext byte flipped"),
            drop("mixed-order-sender", mixedSender, .badKey,
                 "the sender is alice's key plus an order-8 point (entries.json, mixed-order-key): no X25519 form"),
            drop("wrong-sender", wrongSender, .forged, "another identity's key in the header: the MAC fails under its key"),
        ]
        return DatagramVectorFile(
            description: "Sealed datagrams from alice to bob (PROTOCOL.md §10), and datagrams bob must drop, "
                + "each opened by a fresh node with the given reason.",
            magic: DatagramFormat.magic, maxDatagramSize: DatagramFormat.maxDatagramSize, vectors: vectors, drops: drops,
            replayWindow: replaySteps())
    }
}

extension String {
    func hexBytes() throws -> [UInt8] {
        guard let bytes = Hex.decode(self) else { throw GenerationError("bad hex") }
        return bytes
    }
}

extension DatagramVectors {
    /// The window's edges: the highest counter and the 63 below it are inside, 64 below is stale, a
    /// jump of 64 or more forgets the old bits, and a new epoch starts over.
    static func replaySteps() -> [DatagramVectorFile.ReplayStep] {
        let arrivals: [(UInt64, UInt64)] = [
            (5, 100), (5, 100), (5, 37), (5, 36), (5, 37), (5, 99), (5, 164), (5, 101), (5, 100), (5, 163),
            (4, 1000), (6, 1), (6, 1), (5, 200),
        ]
        var window: ReplayWindow?
        return arrivals.map { epoch, counter in
            let verdict: ReplayWindow.Verdict
            if var current = window {
                verdict = current.record(epoch: epoch, counter: counter)
                window = current
            } else {
                verdict = .fresh
                window = ReplayWindow(epoch: epoch, counter: counter)
            }
            let name: String
            switch verdict {
            case .fresh: name = "fresh"
            case .replayed: name = DatagramDrop.replayed.rawValue
            case .stale: name = DatagramDrop.stale.rawValue
            }
            return .init(epoch: epoch, counter: counter, verdict: name)
        }
    }
}
