#if canImport(Glibc)
import Glibc
#endif

/// What every libFuzzer target shares: the driver hand-off in a fuzzing build, and replaying
/// files (regression inputs) in a normal one.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzCallback
) -> Int32

/// Hands control to libFuzzer's driver. SwiftPM links an executable's entry point as
/// `<module>_main`; each target defines that symbol and calls this.
public func runFuzzer(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ callback: FuzzCallback
) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, callback)
}
#endif

/// Feeds each file named on the command line to `callback`: how crashes found by fuzzing are
/// kept as regression inputs.
public func replayFiles(_ callback: FuzzCallback) {
    for path in CommandLine.arguments.dropFirst() {
        guard let bytes = readFile(path) else {
            print("cannot read \(path)")
            continue
        }
        _ = bytes.withUnsafeBufferPointer { callback($0.baseAddress, $0.count) }
        print("ok \(path)")
    }
}

/// The bytes of a file, or nil if it cannot be read.
func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        out.append(contentsOf: buffer[0..<n])
    }
    return out
}
