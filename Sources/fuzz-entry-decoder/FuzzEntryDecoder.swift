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
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// SwiftPM links an executable's entry point as `<module>_main`; in a fuzzing build it hands
/// control to libFuzzer's driver instead of libFuzzer's own `main`.
@_cdecl("fuzz_entry_decoder_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzEntryDecoder(data, size) }
}
#else
/// Without libFuzzer (a normal build), the target replays files: `fuzz-entry-decoder FILE…`,
/// which is how crashes found by fuzzing are kept as regression inputs.
@main
struct ReplayEntryDecoder {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = readFile(path) else {
                print("cannot read \(path)")
                continue
            }
            _ = bytes.withUnsafeBufferPointer { fuzzEntryDecoder($0.baseAddress, $0.count) }
            print("ok \(path)")
        }
    }
}
#endif
