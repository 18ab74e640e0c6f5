import FuzzSupport
import GrapevineCore

/// libFuzzer entry point: every input must decode to an entry or a typed error, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEntryDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let entry = try? SignedEntry.decode(bytes) {
        // A decoded entry re-encodes to exactly the bytes it came from.
        precondition(entry.encoded == bytes, "accepted entry does not re-encode verbatim")
    }
    return 0
}

#if FUZZING
@_cdecl("fuzz_entry_decoder_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { fuzzEntryDecoder($0, $1) }
}
#else
/// A normal build replays files: `fuzz-entry-decoder FILE…`.
@main
struct ReplayEntryDecoder {
    static func main() {
        replayFiles { fuzzEntryDecoder($0, $1) }
    }
}
#endif
