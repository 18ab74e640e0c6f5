import GossipEngine
import SealedDatagrams
import Testing

@Suite struct FrameCodecTests {
    @Test func anEmptyPayloadIsRefusedForItsMissingVersion() {
        #expect(throws: GossipDecodeError.self) { try GossipMessage.decode([]) }
    }

    @Test func theDefaultPayloadBudgetLeavesRoomForTheSealedDatagramOverhead() {
        #expect(GossipConfig.maxSealedPayload == DatagramFormat.maxPayloadSize)
        #expect(GossipConfig().payloadBudget == DatagramFormat.maxPayloadSize)
    }
}
