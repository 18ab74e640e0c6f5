import Foundation
import TestKit

/// Runs external programs (`ip`, `nft`, `grapevine`) to completion; a program still running
/// after its timeout is killed, so a hang fails a scenario instead of stalling it.
public enum Command {
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> ProcessOutput {
        try ProcessRunner.run(executable, arguments, timeout: timeout)
    }

    /// Runs a command that must succeed; its standard output.
    @discardableResult
    public static func ok(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> String {
        let output = try run(executable, arguments, timeout: timeout)
        guard output.code == 0 else {
            throw HarnessError("`\(([executable] + arguments).joined(separator: " "))` exited \(output.code): \(output.stderr)")
        }
        return output.stdout
    }

    /// The full path of a program found on PATH (or the usual sbin directories), or nil.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A scenario's setup or check went wrong; the text says what and where.
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
