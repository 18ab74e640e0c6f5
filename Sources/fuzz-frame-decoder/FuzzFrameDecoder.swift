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
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// SwiftPM links an executable's entry point as `<module>_main`; in a fuzzing build it hands
/// control to libFuzzer's driver instead of libFuzzer's own `main`.
@_cdecl("fuzz_frame_decoder_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzFrameDecoder(data, size) }
}
#else
/// Without libFuzzer (a normal build), the target replays files: `fuzz-frame-decoder FILE…`,
/// which is how crashes found by fuzzing are kept as regression inputs.
@main
struct ReplayFrameDecoder {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = readFile(path) else {
                print("cannot read \(path)")
                continue
            }
            _ = bytes.withUnsafeBufferPointer { fuzzFrameDecoder($0.baseAddress, $0.count) }
            print("ok \(path)")
        }
    }
}
#endif
