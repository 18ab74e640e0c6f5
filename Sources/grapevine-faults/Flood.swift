import ArgumentParser
import FaultHarness
import Foundation
import GossipEngine
import GrapevineCore
import SealedDatagrams

struct Flood: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Flood a node with garbage, forged and replayed datagrams at a fixed rate.",
        discussion: """
            Garbage is random bytes of random length; one in eight starts with the datagram magic \
            byte so it reaches the deeper checks, and half of those carry a nonce that matches \
            their random sender key, so the node derives a key before refusing them. Forged \
            datagrams are validly sealed by flooder identities (one per --sources address) and \
            carry entries whose signatures do not match their authors; replayed ones re-send a \
            datagram already sent. The three kinds are interleaved evenly. Runs inside a lab host.
            """)

    @Option(name: .long, help: ArgumentHelp("The node under attack.", valueName: "gv1…@ip:port"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("Local IPv4 addresses to send from, comma-separated.", valueName: "ip,…"))
    var sources: String

    @Option(name: .long, help: "Garbage datagrams.")
    var garbage = 100_000

    @Option(name: .long, help: "Sealed datagrams carrying forged entries.")
    var forged = 5_000

    @Option(name: .long, help: "Replays of sealed datagrams already sent.")
    var replayed = 5_000

    @Option(name: .long, help: "Datagrams per second, all kinds together.")
    var rate: Double = 5_000

    static let entriesPerDatagram = 4

    func run() throws {
        let target = try Target(parsing: to)
        let addresses = sources.split(separator: ",").map(String.init)
        guard !addresses.isEmpty else { throw ValidationError("give at least one --sources address") }
        let epoch = UInt64(Date().timeIntervalSince1970 * 1000)
        var emulators = try addresses.enumerated().map { i, source in
            try PeerEmulator(signingKey: EntryFactory.key(i, purpose: 0xf1), epoch: epoch, source: source)
        }
        // Everything is prepared before the clock starts, so the rate is the sending rate.
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        var forgedDatagrams: [(source: Int, bytes: [UInt8])] = []
        for n in 0..<forged {
            let source = n % emulators.count
            var message = GossipMessage()
            for e in 0..<Self.entriesPerDatagram {
                let claimed = PublicIdentity(EntryFactory.key(n * Self.entriesPerDatagram + e, purpose: 0xf2))
                message.entries.append(try EntryFactory.forged(
                    claiming: claimed, field: "title", value: "forged \(n)", millis: now,
                    signer: EntryFactory.key(source, purpose: 0xf1)))
            }
            guard let sealed = emulators[source].seal(message.encoded(), to: target.identity) else {
                throw ValidationError("a forged message does not fit a datagram")
            }
            forgedDatagrams.append((source, sealed))
        }
        var random = SeededRandom(seed: 0x6761_7262_6167_65)
        let total = garbage + forged + replayed
        let sealedTotal = forged + replayed
        let pacer = Pacer(perSecond: rate)
        var sent = [0, 0, 0]
        var sealedIndex = 0
        for i in 0..<total {
            pacer.wait(for: i)
            let isSealed = (i + 1) * sealedTotal / total != i * sealedTotal / total
            if isSealed {
                // Forged and replayed alternate in proportion; a replay repeats the last forged one.
                let wantForged = sent[1] * sealedTotal < (sealedIndex + 1) * forged || sent[1] == 0
                sealedIndex += 1
                if wantForged, sent[1] < forgedDatagrams.count {
                    let datagram = forgedDatagrams[sent[1]]
                    _ = emulators[datagram.source].send(datagram.bytes, to: target.host, port: target.port)
                    sent[1] += 1
                } else if sent[1] > 0 {
                    let datagram = forgedDatagrams[sent[1] - 1]
                    _ = emulators[datagram.source].send(datagram.bytes, to: target.host, port: target.port)
                    sent[2] += 1
                }
            } else {
                let count = Int.random(in: 1...1300, using: &random)
                var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
                if random.next() % 8 == 0 { Self.dressUp(&bytes, random: &random) }
                _ = emulators[i % emulators.count].send(bytes, to: target.host, port: target.port)
                sent[0] += 1
            }
        }
        print("sent \(sent[0]) garbage, \(sent[1]) forged and \(sent[2]) replayed datagrams")
    }

    /// Makes garbage look like a datagram: the magic byte, and for half of them a nonce whose
    /// last 8 bytes repeat the (random) sender key, so the node must derive a shared key before
    /// the MAC refuses it: the most expensive garbage there is.
    static func dressUp(_ bytes: inout [UInt8], random: inout SeededRandom) {
        bytes[0] = DatagramFormat.magic
        guard bytes.count >= DatagramFormat.overhead, random.next() % 2 == 0 else { return }
        let sender = DatagramFormat.senderOffset
        let tail = DatagramFormat.nonceOffset + 16
        bytes.replaceSubrange(tail..<(tail + 8), with: bytes[sender..<(sender + 8)])
    }
}
