import FuzzSupport
import GossipEngine

/// libFuzzer entry point: every payload must decode to a message or a typed error, never trap,
/// and a decoded message must survive re-encoding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? GossipMessage.decode(bytes) {
        // What was accepted encodes to a payload that decodes to the same message.
        let again = try? GossipMessage.decode(message.encoded())
        precondition(again == message, "accepted payload does not survive re-encoding")
    }
    return 0
}

#if FUZZING
@_cdecl("fuzz_frame_decoder_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { fuzzFrameDecoder($0, $1) }
}
#else
/// A normal build replays files: `fuzz-frame-decoder FILE…`.
@main
struct ReplayFrameDecoder {
    static func main() {
        replayFiles { fuzzFrameDecoder($0, $1) }
    }
}
#endif
