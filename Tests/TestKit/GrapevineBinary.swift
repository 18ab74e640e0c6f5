import Foundation

/// An executable the test targets depend on: SwiftPM builds it into the same directory as the
/// test bundle, which this finds from the running test (or the running harness).
public enum BuiltExecutable {
    /// The path of the executable `name` in a directory above the running program, or nil.
    public static func find(_ name: String) -> String? {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            let candidate = url.deletingLastPathComponent().appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return nil
    }
}

/// The `grapevine` executable that process tests run (found on PATH when it was not built).
public enum GrapevineBinary {
    public static let path = BuiltExecutable.find("grapevine") ?? "grapevine"
}
