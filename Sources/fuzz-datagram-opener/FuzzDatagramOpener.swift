import FuzzSupport
import GrapevineCore
import SealedDatagrams
import Sodium

/// The opener every input meets, holding the key of the "bob" vector identity so that seeds from
/// Protocol/vectors/datagrams.json reach the MAC and replay checks. One opener across inputs, so
/// the replay windows and rate limits are fuzzed too.
nonisolated(unsafe) var opener: DatagramOpener? = {
    let seed = BLAKE2b.hash(Array("grapevine/vectors/seed\u{0}".utf8), Array("bob".utf8), outputLength: 32)
    return Ed25519.SigningKey(seed: seed).map { DatagramOpener(signingKey: $0) }
}()
nonisolated(unsafe) var clock: UInt64 = 0

/// libFuzzer entry point: every datagram is opened or dropped with a reason, never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDatagramOpener(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, var current = opener else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    clock += 1
    if case .success(let opened) = current.open(bytes, source: [127, 0, 0, 1], nowMillis: clock) {
        precondition(opened.payload.count == bytes.count - DatagramFormat.overhead, "payload length")
    }
    opener = current
    return 0
}

#if FUZZING
@_cdecl("fuzz_datagram_opener_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { fuzzDatagramOpener($0, $1) }
}
#else
/// A normal build replays files: `fuzz-datagram-opener FILE…`.
@main
struct ReplayDatagramOpener {
    static func main() {
        replayFiles { fuzzDatagramOpener($0, $1) }
    }
}
#endif
