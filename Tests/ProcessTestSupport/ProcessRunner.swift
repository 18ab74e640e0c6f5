import Foundation

/// What a finished program printed and how it exited.
public struct ProcessOutput: Sendable {
    public var code: Int32
    public var stdout: String
    public var stderr: String

    /// Standard output parsed as JSON.
    public func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }
}

/// Runs programs to completion for the process tests and the fault harness.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, reading both pipes while it runs. A process still
    /// running after `timeout` seconds is killed, so a hang fails the test instead of stalling it.
    /// `directory` is the working directory (default: the test's own).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil, timeout: TimeInterval = 60) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let pid = process.processIdentifier
        let watchdog = Thread {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if Thread.current.isCancelled { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            kill(pid, SIGKILL)
        }
        watchdog.start()
        defer { watchdog.cancel() }
        let stderrData = LockedData()
        let reader = Thread { stderrData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = stderrData.wait()
        return ProcessOutput(code: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                             stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// Data handed from a reader thread, so a chatty standard error cannot fill its pipe and stall
/// a process whose standard output is being read.
private final class LockedData: @unchecked Sendable {
    // @unchecked: `data` is only touched with `condition` locked.
    private let condition = NSCondition()
    private var data: Data?

    func set(_ value: Data) {
        condition.lock()
        data = value
        condition.signal()
        condition.unlock()
    }

    func wait() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while data == nil { condition.wait() }
        return data ?? Data()
    }
}
