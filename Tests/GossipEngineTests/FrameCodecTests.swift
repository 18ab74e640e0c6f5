import GossipEngine
import Testing

@Suite struct FrameCodecTests {
    @Test func anEmptyPayloadIsRefusedForItsMissingVersion() {
        #expect(throws: GossipDecodeError.self) { try GossipMessage.decode([]) }
    }
}
