import Testing
import Sodium
import GrapevineCore
@testable import SealedDatagrams

@Suite("Sealed datagrams")
struct DatagramTests {
    let alice = Ed25519.SigningKey(seed: [UInt8](repeating: 1, count: 32))!
    let bob = Ed25519.SigningKey(seed: [UInt8](repeating: 2, count: 32))!
    let mallory = Ed25519.SigningKey(seed: [UInt8](repeating: 3, count: 32))!
    let now: UInt64 = 1_000_000

    var bobID: PublicIdentity { PublicIdentity(bob) }

    struct SealFailed: Error {}

    func sealed(_ sealer: inout DatagramSealer, _ payload: [UInt8], to peer: PublicIdentity) throws -> [UInt8] {
        guard let datagram = sealer.seal(payload, to: peer) else { throw SealFailed() }
        return datagram
    }

    func drop(_ opener: inout DatagramOpener, _ datagram: [UInt8], source: [UInt8], nowMillis: UInt64) -> DatagramDrop? {
        switch opener.open(datagram, source: source, nowMillis: nowMillis) {
        case .success: return nil
        case .failure(let reason): return reason
        }
    }

    @Test("a sealed payload opens at its recipient with the sender's identity")
    func roundTrip() throws {
        var sealer = DatagramSealer(signingKey: alice, epoch: 7)
        var opener = DatagramOpener(signingKey: bob)
        let datagram = try sealed(&sealer, [1, 2, 3], to: bobID)
        #expect(datagram.count == 3 + DatagramFormat.overhead)
        #expect(datagram[0] == DatagramFormat.magic)
        let opened = try opener.open(datagram, source: [127, 0, 0, 1], nowMillis: now).get()
        #expect(opened.sender == PublicIdentity(alice))
        #expect(opened.payload == [1, 2, 3])
        #expect(opened.epoch == 7 && opened.counter == 1)
    }

    @Test("a sealer given its opener's cache derives no key the opener already holds, and the reply opens with it")
    func sharedKeys() throws {
        var bobSealer = DatagramSealer(signingKey: bob, epoch: 9)
        var opener = DatagramOpener(signingKey: alice)
        var aliceSealer = DatagramSealer(signingKey: alice, epoch: 7, keys: opener.keys)
        _ = try opener.open(try sealed(&bobSealer, [1], to: PublicIdentity(alice)), source: [10, 0, 0, 2], nowMillis: now).get()
        #expect(opener.keys.derivations == 1)
        var bobOpener = DatagramOpener(signingKey: bob)
        let reply = try bobOpener.open(try sealed(&aliceSealer, [2], to: bobID), source: [10, 0, 0, 1], nowMillis: now).get()
        #expect(reply.payload == [2])
        #expect(opener.keys.derivations == 1, "bob's key was derived once, for both directions")
        _ = try sealed(&aliceSealer, [3], to: PublicIdentity(mallory))
        #expect(opener.keys.derivations == 2 && opener.keys.count == 2)
    }

    @Test("v2 datagrams carry version 2 in byte 0; a v1 datagram opens with its version so its sender can be named, a later version is not opened")
    func versionByte() throws {
        #expect(DatagramFormat.magic == 0x92)
        var sealer = DatagramSealer(signingKey: alice, epoch: 7)
        var opener = DatagramOpener(signingKey: bob)
        var old = try sealed(&sealer, [1], to: bobID)
        old[0] = 0x91
        let opened = try opener.open(old, source: [10, 0, 0, 2], nowMillis: now).get()
        #expect(opened.version == 1 && opened.sender == PublicIdentity(alice))
        let current = try opener.open(try sealed(&sealer, [2], to: bobID), source: [10, 0, 0, 2], nowMillis: now).get()
        #expect(current.version == 2)
        var newer = try sealed(&sealer, [3], to: bobID)
        newer[0] = 0x93
        var fresh = DatagramOpener(signingKey: bob)
        #expect(drop(&fresh, newer, source: [10, 0, 0, 2], nowMillis: now) == .newerVersion)
        #expect(fresh.keyDerivations == 0, "a later version's sealing may differ: nothing is derived for it")
    }

    @Test("a replayed datagram is dropped, and so is one from an earlier boot")
    func replays() throws {
        var sealer = DatagramSealer(signingKey: alice, epoch: 10)
        var opener = DatagramOpener(signingKey: bob)
        let first = try sealed(&sealer, [1], to: bobID)
        let second = try sealed(&sealer, [2], to: bobID)
        #expect(drop(&opener, second, source: [10, 0, 0, 2], nowMillis: now) == nil)
        #expect(drop(&opener, first, source: [10, 0, 0, 2], nowMillis: now) == nil, "out of order within the window")
        #expect(drop(&opener, first, source: [10, 0, 0, 2], nowMillis: now) == .replayed)
        #expect(drop(&opener, second, source: [10, 0, 0, 2], nowMillis: now) == .replayed)
        var rebooted = DatagramSealer(signingKey: alice, epoch: 11)
        let fresh = try sealed(&rebooted, [3], to: bobID)
        #expect(drop(&opener, fresh, source: [10, 0, 0, 2], nowMillis: now) == nil)
        let old = try sealed(&sealer, [4], to: bobID)
        #expect(drop(&opener, old, source: [10, 0, 0, 2], nowMillis: now) == .stale)
    }

    @Test("the replay window accepts out-of-order counters once and forgets beyond 64")
    func window() {
        var w = ReplayWindow(epoch: 1, counter: 100)
        #expect(w.record(epoch: 1, counter: 90) == .fresh)
        #expect(w.record(epoch: 1, counter: 90) == .replayed)
        #expect(w.record(epoch: 1, counter: 36) == .stale)
        #expect(w.record(epoch: 1, counter: 200) == .fresh)
        #expect(w.record(epoch: 1, counter: 150) == .fresh)
        #expect(w.record(epoch: 1, counter: 100) == .stale)
        #expect(w.record(epoch: 0, counter: 500) == .stale)
    }

    @Test("tampering, wrong recipients and malformed headers are dropped by reason")
    func forgeries() throws {
        var sealer = DatagramSealer(signingKey: alice, epoch: 1)
        var opener = DatagramOpener(signingKey: bob)
        let good = try sealed(&sealer, [9, 9, 9], to: bobID)
        var flipped = good
        flipped[flipped.count - 1] ^= 1
        #expect(drop(&opener, flipped, source: [10, 0, 0, 2], nowMillis: now) == .forged)
        var otherSender = good
        otherSender.replaceSubrange(1..<33, with: PublicIdentity(mallory).bytes)
        otherSender.replaceSubrange(49..<57, with: PublicIdentity(mallory).bytes.prefix(8))
        #expect(drop(&opener, otherSender, source: [10, 0, 0, 2], nowMillis: now) == .forged)
        var badNonce = good
        badNonce[50] ^= 1
        #expect(drop(&opener, badNonce, source: [10, 0, 0, 2], nowMillis: now) == .badNonce)
        var toMallory = DatagramOpener(signingKey: mallory)
        #expect(drop(&toMallory, good, source: [10, 0, 0, 2], nowMillis: now) == .forged)
        #expect(drop(&opener, Array(good.prefix(40)), source: [10, 0, 0, 2], nowMillis: now) == .tooSmall)
        #expect(drop(&opener, good + [UInt8](repeating: 0, count: 1200), source: [10, 0, 0, 2], nowMillis: now) == .tooLarge)
        var magic = good
        magic[0] = 0x81
        #expect(drop(&opener, magic, source: [10, 0, 0, 2], nowMillis: now) == .badMagic)
        magic[0] = 0x90
        #expect(drop(&opener, magic, source: [10, 0, 0, 2], nowMillis: now) == .badMagic)
        var own = DatagramSealer(signingKey: bob, epoch: 1)
        let fromSelf = try sealed(&own, [1], to: PublicIdentity(alice))
        #expect(drop(&opener, fromSelf, source: [10, 0, 0, 2], nowMillis: now) == .ownKey)
        var smallOrder = good
        smallOrder.replaceSubrange(1..<33, with: [1] + [UInt8](repeating: 0, count: 31))
        smallOrder.replaceSubrange(49..<57, with: [1] + [UInt8](repeating: 0, count: 7))
        #expect(drop(&opener, smallOrder, source: [10, 0, 0, 2], nowMillis: now) == .badKey)
    }

    @Test("a flooding source is cut off before any key is derived")
    func sourceRateLimit() {
        var limits = DatagramOpener.Limits()
        limits.sourceBurst = 10
        limits.sourceRate = 10
        var opener = DatagramOpener(signingKey: bob, limits: limits)
        var drops = 0
        for i in 0..<1000 {
            var garbage = [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 100)
            garbage[0] = DatagramFormat.magic
            garbage.replaceSubrange(1..<33, with: Sodium.randomBytes(32))
            if case .failure(.sourceRateLimited) = opener.open(garbage, source: [10, 0, 0, 9], nowMillis: now) { drops += 1 }
        }
        #expect(drops == 990)
        #expect(opener.keyDerivations <= 10)
        if case .failure(.sourceRateLimited) = opener.open([DatagramFormat.magic] + [UInt8](repeating: 0, count: 80),
                                                           source: [10, 0, 0, 9], nowMillis: now + 1000) {
            Issue.record("the bucket refills with time")
        }
    }

    @Test("a sender over its rate is dropped after authentication")
    func senderRateLimit() throws {
        var limits = DatagramOpener.Limits()
        limits.senderBurst = 5
        limits.senderRate = 1
        var opener = DatagramOpener(signingKey: bob, limits: limits)
        var sealer = DatagramSealer(signingKey: alice, epoch: 1)
        var accepted = 0
        for i in 0..<20 {
            let d = try sealed(&sealer, [UInt8(i)], to: bobID)
            if case .success = opener.open(d, source: [10, 1, UInt8(i / 256), UInt8(i % 256)], nowMillis: now) { accepted += 1 }
        }
        #expect(accepted == 5)
    }

    @Test("the LRU keeps its capacity and forgets the least recently used keys")
    func lru() {
        var lru = BoundedLRU<Int, Int>(capacity: 16)
        for i in 0..<16 { lru.set(i, i) }
        _ = lru.get(0)
        lru.set(100, 100)
        #expect(lru.count <= 16)
        #expect(lru.peek(0) == 0)
        #expect(lru.peek(100) == 100)
        #expect(lru.peek(1) == nil)
        for i in 200..<10_000 { lru.set(i, i) }
        #expect(lru.count <= 16)
    }

    @Test("payloads beyond the datagram budget are refused when sealing")
    func payloadBudget() {
        var sealer = DatagramSealer(signingKey: alice, epoch: 1)
        let largest = sealer.seal([UInt8](repeating: 0, count: DatagramFormat.maxPayloadSize), to: bobID)
        #expect(largest?.count == 1200)
        let tooLarge = sealer.seal([UInt8](repeating: 0, count: DatagramFormat.maxPayloadSize + 1), to: bobID)
        #expect(tooLarge == nil)
    }

    @Test("the sealing overhead of the payload budget is the header and the MAC: 57 + 16 bytes")
    func overheadIsHeaderAndMAC() {
        #expect(DatagramFormat.overhead == DatagramFormat.headerLength + X25519.macLength)
        #expect(DatagramFormat.maxPayloadSize == Limits.payloadBudget)
    }
}
