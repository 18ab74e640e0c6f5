import GossipEngine
import GrapevineCore
import Testing

/// The relay's reservations, circuits and forwarding rules (PROTOCOL.md §11.9.1–§11.9.3), driven
/// by hand: every answer, drop and budget of the spec's order of checks.
@Suite struct RelayTableTests {
    /// Three distinct 32-byte keys; a relay never checks them against a curve.
    static let keys = (UInt8(1)...3).compactMap { PublicIdentity(bytes: [UInt8](repeating: $0, count: 32)) }

    let home = Self.keys[0]
    let peer = Self.keys[1]
    let other = Self.keys[2]
    let homeAddress = PeerAddress(ip: [198, 18, 0, 50], port: 40001)
    let peerAddress = PeerAddress(ip: [198, 18, 0, 60], port: 7474)
    let t0: UInt64 = 1_000_000

    func table(_ change: (inout RelayBounds) -> Void = { _ in }) -> RelayTable {
        var bounds = RelayBounds()
        change(&bounds)
        return RelayTable(bounds: bounds, now: t0)
    }

    func open(_ relay: inout RelayTable, from requester: PublicIdentity, at address: PeerAddress,
              now: UInt64, seed: UInt64 = 7) throws -> UInt64 {
        var random = SeededRandom(seed: seed)
        let answer = try #require(relay.connect(from: requester, at: address, to: home, now: now, random: &random))
        #expect(answer.toRequester.status == .accepted)
        return answer.toRequester.circuit
    }

    @Test func aReservationIsHeldRenewedAndRefusedAsFullBeyondTheBound() {
        var relay = table { $0.maxReservations = 1 }
        let first = relay.reserve(home, at: homeAddress, now: t0)
        #expect(first.op == .reservation && first.status == .accepted && first.lifetimeMillis == 600_000)
        #expect(relay.reserve(home, at: homeAddress, now: t0 + 300_000).status == .accepted)
        #expect(relay.reserve(peer, at: peerAddress, now: t0 + 300_000).status == .full)
        #expect(relay.reservationCount == 1)
    }

    @Test func aConnectOpensOneCircuitToldToBothEndsAndARenewalKeepsItsID() throws {
        var relay = table()
        var random = SeededRandom(seed: 1)
        let refused = try #require(relay.connect(from: peer, at: peerAddress, to: home, now: t0, random: &random))
        #expect(refused.toRequester.status == .noReservation && refused.toTarget == nil)
        _ = relay.reserve(home, at: homeAddress, now: t0)
        let answer = try #require(relay.connect(from: peer, at: peerAddress, to: home, now: t0 + 1000, random: &random))
        #expect(answer.toRequester.peer == home && answer.toRequester.status == .accepted)
        #expect(answer.toRequester.circuit != 0 && answer.toRequester.rate == 4096)
        let toTarget = try #require(answer.toTarget)
        #expect(toTarget.address == homeAddress && toTarget.control.peer == peer)
        #expect(toTarget.control.circuit == answer.toRequester.circuit)
        let renewed = try #require(relay.connect(from: peer, at: peerAddress, to: home, now: t0 + 2000, random: &random))
        #expect(renewed.toRequester.circuit == answer.toRequester.circuit)
        #expect(relay.circuitCount == 1)
    }

    @Test func circuitsPerMemberAndPerRelayAreBoundedAndSaySo() throws {
        var perMember = table { $0.circuitsPerMember = 1 }
        _ = perMember.reserve(home, at: homeAddress, now: t0)
        _ = try open(&perMember, from: peer, at: peerAddress, now: t0)
        var random = SeededRandom(seed: 2)
        let second = try #require(perMember.connect(from: other, at: PeerAddress(ip: [198, 18, 0, 70], port: 7474),
                                                    to: home, now: t0, random: &random))
        #expect(second.toRequester.status == .tooManyCircuits)

        var perRelay = table { $0.maxCircuits = 1 }
        _ = perRelay.reserve(home, at: homeAddress, now: t0)
        _ = try open(&perRelay, from: peer, at: peerAddress, now: t0)
        let full = try #require(perRelay.connect(from: other, at: PeerAddress(ip: [198, 18, 0, 70], port: 7474),
                                                 to: home, now: t0, random: &random))
        #expect(full.toRequester.status == .full)
    }

    @Test func aLapsedCircuitFreesItsMembersPlaceAndARenewedOneKeepsIt() throws {
        var relay = table { $0.circuitsPerMember = 1; $0.circuitLifetimeMillis = 10_000 }
        _ = relay.reserve(home, at: homeAddress, now: t0)
        _ = try open(&relay, from: peer, at: peerAddress, now: t0)
        _ = try open(&relay, from: peer, at: peerAddress, now: t0 + 9_000)
        let otherAddress = PeerAddress(ip: [198, 18, 0, 70], port: 7474)
        var random = SeededRandom(seed: 4)
        let whileRenewed = try #require(relay.connect(from: other, at: otherAddress, to: home, now: t0 + 15_000, random: &random))
        #expect(whileRenewed.toRequester.status == .tooManyCircuits, "the renewal keeps the circuit, and the place, until t0 + 19 s")
        let afterLapse = try #require(relay.connect(from: other, at: otherAddress, to: home, now: t0 + 19_001, random: &random))
        #expect(afterLapse.toRequester.status == .accepted)
        #expect(relay.circuitCount == 1)
    }

    @Test func connectsBeyondFanoutPerProbeIntervalAreIgnored() {
        var relay = table()
        var random = SeededRandom(seed: 3)
        for _ in 0..<3 { #expect(relay.connect(from: peer, at: peerAddress, to: home, now: t0, random: &random) != nil) }
        #expect(relay.connect(from: peer, at: peerAddress, to: home, now: t0 + 999, random: &random) == nil)
        #expect(relay.connect(from: peer, at: peerAddress, to: home, now: t0 + 1000, random: &random) != nil)
    }

    @Test func aFrameIsForwardedOnlyFromAnEndsAddressWithThatEndsKey() throws {
        var relay = table()
        _ = relay.reserve(home, at: homeAddress, now: t0)
        let circuit = try open(&relay, from: peer, at: peerAddress, now: t0)
        #expect(relay.forward(circuit: circuit, innerSender: peer.bytes, length: 200, from: peerAddress, now: t0)
            == .success(homeAddress))
        #expect(relay.forward(circuit: circuit, innerSender: home.bytes, length: 200, from: homeAddress, now: t0)
            == .success(peerAddress))
        #expect(relay.forward(circuit: circuit &+ 1, innerSender: peer.bytes, length: 200, from: peerAddress, now: t0)
            == .failure(.unknownCircuit))
        let forged = PeerAddress(ip: [198, 18, 0, 99], port: 7474)
        #expect(relay.forward(circuit: circuit, innerSender: peer.bytes, length: 200, from: forged, now: t0)
            == .failure(.wrongSource))
        #expect(relay.forward(circuit: circuit, innerSender: other.bytes, length: 200, from: peerAddress, now: t0)
            == .failure(.wrongSender))
        #expect(relay.framesForwarded == 2 && relay.bytesForwarded == 400)
    }

    @Test func aCircuitNeverCarriesMoreThanItsRateAndBurstInADirection() throws {
        var relay = table()
        _ = relay.reserve(home, at: homeAddress, now: t0)
        let circuit = try open(&relay, from: peer, at: peerAddress, now: t0)
        var passed = 0
        for tick in 0..<1000 {
            let now = t0 + UInt64(tick) * 10
            if case .success = relay.forward(circuit: circuit, innerSender: peer.bytes, length: 1210,
                                             from: peerAddress, now: now) { passed += 1 }
        }
        // 10 s at 100 full frames a second: the burst plus 4096 bytes a second, no more.
        #expect(passed * 1210 <= 16384 + 4096 * 10)
        #expect(passed * 1210 > 16384 + 4096 * 9)
        #expect(relay.forward(circuit: circuit, innerSender: home.bytes, length: 1210, from: homeAddress,
                              now: t0 + 9990) == .success(peerAddress))
    }

    @Test func theRelaysTotalBandwidthBoundsEveryCircuitTogether() throws {
        var relay = table { $0.totalBytesPerSecond = 2000; $0.totalBurstBytes = 2420 }
        _ = relay.reserve(home, at: homeAddress, now: t0)
        let circuit = try open(&relay, from: peer, at: peerAddress, now: t0)
        let results = (0..<3).map { _ in
            relay.forward(circuit: circuit, innerSender: peer.bytes, length: 1210, from: peerAddress, now: t0)
        }
        #expect(results == [.success(homeAddress), .success(homeAddress), .failure(.relayRate)])
    }

    @Test func anUnrenewedCircuitAndOneWhoseTargetLostItsReservationClose() throws {
        var relay = table()
        _ = relay.reserve(home, at: homeAddress, now: t0)
        let circuit = try open(&relay, from: peer, at: peerAddress, now: t0)
        #expect(relay.forward(circuit: circuit, innerSender: peer.bytes, length: 100, from: peerAddress,
                              now: t0 + 599_999) == .success(homeAddress))
        #expect(relay.forward(circuit: circuit, innerSender: peer.bytes, length: 100, from: peerAddress,
                              now: t0 + 600_000) == .failure(.unknownCircuit))

        var lapsed = table()
        _ = lapsed.reserve(home, at: homeAddress, now: t0)
        let kept = try open(&lapsed, from: peer, at: peerAddress, now: t0 + 300_000)
        lapsed.expire(now: t0 + 600_000)
        #expect(lapsed.circuitCount == 0 && lapsed.reservationCount == 0)
        #expect(lapsed.forward(circuit: kept, innerSender: peer.bytes, length: 100, from: peerAddress,
                               now: t0 + 600_001) == .failure(.unknownCircuit))
    }
}
