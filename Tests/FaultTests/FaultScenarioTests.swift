import FaultHarness
import TestKit
import Testing

/// The fault scenarios CI runs on real network namespaces (root only; skipped with the reason
/// otherwise). Each prints its figures; `make faults` runs all twelve and records them. Discovery
/// (nearby, nearby-lan) multicasts only inside the lab's namespaces, never on the host's interfaces.
@Suite(.serialized, .enabled(if: Lab.unavailableReason == nil, Comment(rawValue: Lab.unavailableReason ?? "")))
struct FaultScenarioTests {
    let binaries = Binaries(besides: GrapevineBinary.path)

    func run(_ scenario: Scenario) throws -> Scenario.Outcome {
        let outcome = try scenario.run(binaries: binaries) { print($0) }
        for failure in outcome.failures { Issue.record(Comment(rawValue: failure)) }
        return outcome
    }

    @Test func fiveHostsWithThirtyPercentLossReachEqualDigests() throws {
        let outcome = try run(.loss30)
        #expect(outcome.figures["loss30.converge_s"] != nil)
    }

    @Test func aHealedPartitionConvergesWithinTwentySecondsAndLosesNoAcknowledgedEdit() throws {
        let outcome = try run(.partition)
        #expect(try #require(outcome.figures["partition.heal_s"]) <= 20)
        #expect(outcome.figures["partition.lost_writes"] == 0)
    }

    @Test func aNodeKilledMidIngestKeepsEveryAcknowledgedEntryAndRejoins() throws {
        let outcome = try run(.crash)
        #expect(outcome.figures["crash.lost_acknowledged"] == 0)
    }

    @Test func homesBehindNATsOnTheirDefaultsConvergePunchDirectPathsAndSeeAKilledHomeDead() throws {
        let outcome = try run(.natCone)
        #expect(try #require(outcome.figures["nat.converge_s"]) < 60)
        #expect(outcome.figures["nat.direct_pairs"] == 1)
        #expect(try #require(outcome.figures["nat.dead_detect_s"]) < 60)
    }

    @Test func withOnlyOnePublicNodeTheHomesStillConvergeAndPunch() throws {
        let outcome = try run(.natConeOnePublic)
        #expect(try #require(outcome.figures["nat.one_public.converge_s"]) < 60)
        #expect(outcome.figures["nat.one_public.direct_pairs"] == 1)
    }

    @Test func aHomeBehindASymmetricNATTakesPartThroughTwoRelaysAndOneRelayDyingDoesNotMakeItLookDead() throws {
        let outcome = try run(.natSymmetric)
        #expect(try #require(outcome.figures["nat.symmetric.converge_s"]) < 60)
        #expect(try #require(outcome.figures["nat.relay_failover_s"]) < 30)
        #expect(try #require(outcome.figures["nat.relayed_dead_detect_s"]) < 60)
        #expect(try #require(outcome.figures["nat.relay_bytes_per_s"]) <= 131_072)
    }

    @Test func aLyingPeerGetsNothingAcceptedAndTheVictimOnlyBoundedProbes() throws {
        let outcome = try run(.liar)
        #expect(outcome.figures["liar.accepted_bad_entries"] == 0)
        #expect(try #require(outcome.figures["liar.victim_datagrams"]) <= #require(outcome.figures["liar.victim_bound"]))
        #expect(outcome.figures["liar.unusable_survivors"] == 4, "every host outlives endpoints at unusable addresses")
    }

    @Test func threeDiscoveringNodesOnOneBridgeFindEachOtherConnectConvergeAndDropAForgedFlood() throws {
        let outcome = try run(.nearby)
        #expect(try #require(outcome.figures["nearby.found_s"]) < 30)
        #expect(try #require(outcome.figures["nearby.flood_dropped"]) >= 2000)
    }

    @Test func twoHomesBehindOneRouterFindEachOtherAndTalkOverTheLANWithNoHairpin() throws {
        let outcome = try run(.nearbyLAN)
        #expect(try #require(outcome.figures["nearby.lan_converge_s"]) < 30)
        #expect(outcome.figures["nearby.lan_hairpin_datagrams"] == 0)
    }
}
