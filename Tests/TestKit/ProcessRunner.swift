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

/// Runs programs for the process tests and the fault harness: to completion, or in the background
/// until stopped. Every test and harness starts its processes here.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, reading both pipes while it runs. A process still
    /// running after `timeout` seconds is killed, so a hang fails the test instead of stalling it.
    /// `directory` is the working directory (default: the test's own); `stdin`, when given, is
    /// written to the program's standard input, which is then closed.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil, stdin: String? = nil,
                           timeout: TimeInterval = 60) throws -> ProcessOutput {
        let process = configured(executable, arguments, environment: environment)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true) }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
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

    /// Starts `executable` in the background with both its outputs written to the file `log`
    /// (created empty). The caller stops it, or kills it with `killAll` at teardown.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                             log: String) throws -> Process {
        let process = configured(executable, arguments, environment: environment)
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = FileHandle(forWritingAtPath: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Starts `executable` in the background with its standard output on `output`, for a test
    /// that reads what the program prints while it runs.
    public static func start(_ executable: String, _ arguments: [String], output: Pipe) throws -> Process {
        let process = configured(executable, arguments, environment: nil)
        process.standardOutput = output
        try process.run()
        return process
    }

    /// Waits up to `timeout` seconds for `process` to exit; its exit code, or nil if it still runs.
    public static func waitForExit(_ process: Process, timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills (SIGKILL) every one of `processes` still running and waits for it, so a failing
    /// test leaves no process behind.
    public static func killAll(_ processes: some Sequence<Process>) {
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private static func configured(_ executable: String, _ arguments: [String],
                                   environment: [String: String]?) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        return process
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
