import Foundation

/// The `grapevine` executable that process tests run: the test targets depend on it, so SwiftPM
/// builds it into the same directory as the test bundle, which this finds from the running test.
public enum GrapevineBinary {
    public static let path: String = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            let candidate = url.deletingLastPathComponent().appendingPathComponent("grapevine").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return "grapevine"
    }()
}
