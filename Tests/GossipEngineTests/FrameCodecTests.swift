import GossipEngine
import GrapevineCore
import SealedDatagrams
import Testing

@Suite struct FrameCodecTests {
    @Test func anEmptyPayloadIsRefusedForItsMissingVersion() {
        #expect(throws: GossipDecodeError.self) { try GossipMessage.decode([]) }
    }

    @Test("the engine's default payload budget is the one the sealer allows: 1200 − 73 bytes")
    func theDefaultPayloadBudgetLeavesRoomForTheSealedDatagramOverhead() {
        #expect(GossipConfig().payloadBudget == DatagramFormat.maxPayloadSize)
        #expect(Limits.payloadBudget == 1127)
    }
}
