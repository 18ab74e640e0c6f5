import Foundation
import GrapevineCore

/// Where a command writes text: the terminal in the executable, a buffer in tests.
public protocol TextOutput: Sendable {
    func write(_ text: String)
}

/// A file descriptor such as standard output or standard error.
public struct FileDescriptorOutput: TextOutput {
    let handle: FileHandle

    public init(_ handle: FileHandle) {
        self.handle = handle
    }

    public func write(_ text: String) {
        handle.write(Data(text.utf8))
    }
}

/// Collects everything written, so a test can read what a command printed.
public final class BufferedOutput: TextOutput, @unchecked Sendable {
    // @unchecked: `buffer` is only touched with `lock` held.
    private let lock = NSLock()
    private var buffer = ""

    public init() {}

    public func write(_ text: String) {
        lock.lock()
        buffer += text
        lock.unlock()
    }

    public var text: String {
        lock.lock()
        defer { lock.unlock() }
        return buffer
    }
}

/// What a command reads from and writes to the world, apart from its arguments: the
/// environment, the clock and the output streams. Tests pass their own, so commands run
/// in-process with a fixed clock and captured output.
public struct CLIContext: Sendable {
    public var environment: [String: String]
    /// Wall-clock time in milliseconds since the Unix epoch, for stamps.
    public var physicalMillis: @Sendable () -> UInt64
    public var output: any TextOutput
    public var errorOutput: any TextOutput

    public init(
        environment: [String: String], physicalMillis: @escaping @Sendable () -> UInt64,
        output: any TextOutput, errorOutput: any TextOutput
    ) {
        self.environment = environment
        self.physicalMillis = physicalMillis
        self.output = output
        self.errorOutput = errorOutput
    }

    /// The real process: its environment, the system clock, standard output and standard error.
    public static let live = CLIContext(
        environment: ProcessInfo.processInfo.environment,
        physicalMillis: TimeSource.system.wallMillis,
        output: FileDescriptorOutput(.standardOutput),
        errorOutput: FileDescriptorOutput(.standardError))

    /// The context commands run in; `CommandRunner` binds it for the duration of one command.
    @TaskLocal public static var current: CLIContext = .live

    /// Writes one line to the output.
    public func print(_ line: String) {
        output.write(line + "\n")
    }

    /// Writes one line to the error output.
    public func printError(_ line: String) {
        errorOutput.write(line + "\n")
    }
}
