import Discovery
import GrapevineCore
import Sodium
import Testing

@Suite("Discovery announcements")
struct AnnouncementFilterTests {
    let alice = Ed25519.SigningKey.generate().key
    let bob = Ed25519.SigningKey.generate().key
    let now: UInt64 = 1_764_000_000_000

    func endpoint(_ key: Ed25519.SigningKey) throws -> SignedEntry {
        try SignedEntry.sign(.endpoint(EndpointInfo(addresses: [NodeAddress(ip: [198, 18, 0, 2], port: 7474, origin: .interface)])),
                             stamp: HLCStamp(millis: now, counter: 0), with: key)
    }

    func announcement(_ key: Ed25519.SigningKey, sentAt: UInt64? = nil, nonce: [UInt8]? = nil) throws -> [UInt8] {
        Announcement.make(endpoint: try endpoint(key), sentAtMillis: sentAt ?? now,
                          nonce: nonce ?? Sodium.randomBytes(Announcement.nonceLength), signingKey: key)
    }

    @Test("a fresh announcement signed by its endpoint's author yields that endpoint")
    func accepts() throws {
        var filter = AnnouncementFilter(own: PublicIdentity(bob), nowMillis: now)
        let result = filter.check(try announcement(alice), sourceHost: [198, 18, 0, 2], nowMillis: now + 10)
        #expect(try result.get() == endpoint(alice))
    }

    @Test("the same nonce again within the window is a replay")
    func replay() throws {
        var filter = AnnouncementFilter(own: PublicIdentity(bob), nowMillis: now)
        let bytes = try announcement(alice)
        _ = filter.check(bytes, sourceHost: [198, 18, 0, 2], nowMillis: now)
        #expect(filter.check(bytes, sourceHost: [198, 18, 0, 3], nowMillis: now + 2000) == .failure(.replayed))
    }

    @Test("a node drops its own announcement, and ones sent outside the freshness window")
    func ownAndStale() throws {
        var filter = AnnouncementFilter(own: PublicIdentity(alice), nowMillis: now)
        #expect(filter.check(try announcement(alice), sourceHost: [198, 18, 0, 2], nowMillis: now) == .failure(.own))
        var other = AnnouncementFilter(own: PublicIdentity(alice), nowMillis: now)
        let window = AnnouncementFilter.Limits().freshnessMillis
        #expect(other.check(try announcement(bob, sentAt: now - window - 1), sourceHost: [1, 2, 3, 4], nowMillis: now)
            == .failure(.stale))
        #expect(other.check(try announcement(bob, sentAt: now + window + 1), sourceHost: [1, 2, 3, 5], nowMillis: now)
            == .failure(.stale))
    }

    @Test("an announcement signed by anyone but the endpoint's author is dropped")
    func forged() throws {
        var filter = AnnouncementFilter(own: PublicIdentity(bob), nowMillis: now)
        let signed = Announcement.signedPart(sentAtMillis: now, nonce: Sodium.randomBytes(16), entry: try endpoint(alice).encoded)
        let forged = signed + bob.sign(Announcement.domain + signed)
        #expect(filter.check(forged, sourceHost: [198, 18, 0, 9], nowMillis: now) == .failure(.badSignature))
    }

    @Test("a flood from many sources is held to the link budget before any signature is checked")
    func flood() throws {
        var filter = AnnouncementFilter(own: PublicIdentity(bob), nowMillis: now)
        var forged = try announcement(alice)
        forged[forged.count - 1] ^= 0x01
        var outcomes: [DiscoveryDrop: Int] = [:]
        for i in 0..<1000 {
            let source: [UInt8] = [198, 18, UInt8(i >> 8), UInt8(i & 0xff)]
            if case .failure(let reason) = filter.check(forged, sourceHost: source, nowMillis: now + UInt64(i)) {
                outcomes[reason, default: 0] += 1
            }
        }
        #expect(outcomes.values.reduce(0, +) == 1000)
        #expect(outcomes[.rateLimited, default: 0] >= 900)
        #expect(outcomes[.badSignature, default: 0] <= 100)
        #expect(try filter.check(announcement(alice), sourceHost: [198, 18, 9, 9], nowMillis: now + 5000).get() == endpoint(alice))
    }

    @Test("one source is held to its own budget")
    func perSource() throws {
        var filter = AnnouncementFilter(own: PublicIdentity(bob), nowMillis: now)
        let results = try (0..<5).map { _ in filter.check(try announcement(alice), sourceHost: [198, 18, 0, 2], nowMillis: now) }
        #expect(results.filter { (try? $0.get()) != nil }.count == 3)
        #expect(results.last == .failure(.rateLimitedSource))
    }

    @Test("bytes that are not an announcement are malformed")
    func malformed() throws {
        var filter = AnnouncementFilter(own: PublicIdentity(bob), nowMillis: now)
        #expect(filter.check([], sourceHost: [1], nowMillis: now) == .failure(.malformed))
        var filter2 = AnnouncementFilter(own: PublicIdentity(bob), nowMillis: now)
        #expect(filter2.check(try announcement(alice) + [0], sourceHost: [1], nowMillis: now) == .failure(.malformed))
    }
}

@Suite("When to announce and whom to try")
struct DiscoveryScheduleTests {
    @Test("announcements go out at start, then never faster than the interval")
    func schedule() {
        var schedule = AnnouncementSchedule(intervalMillis: 5000, startMillis: 100)
        let due = [100, 5099, 5100].map { schedule.take(nowMillis: $0) }
        #expect(due == [true, false, true])
    }

    @Test("a nearby node is joined when first heard, then at most once per rejoin interval, and listed for minutes")
    func table() {
        let a = PublicIdentity(Ed25519.SigningKey.generate().key)
        var table = NearbyTable(keepMillis: 600_000, rejoinMillis: 30_000)
        let joins = [0, 5000, 30_000].map { table.saw(a, source: "198.18.0.2:7475", nowMillis: $0) }
        #expect(joins == [true, false, true])
        let listed = table.listing(nowMillis: 600_000).map(\.identity)
        let later = table.listing(nowMillis: 630_001)
        #expect(listed == [a])
        #expect(later.isEmpty)
    }
}
