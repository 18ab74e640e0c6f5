import Logging

/// A swift-log handler that writes `LEVEL: message key=value…` lines to the context's error
/// output, so logs never mix with data on standard output and tests can capture them.
public struct CLILogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let output: any TextOutput

    public init(level: Logger.Level, output: any TextOutput) {
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.keys.sorted().map { "\($0)=\(merged[$0].map { "\($0)" } ?? "")" }
        output.write(([event.level.rawValue + ":", "\(event.message)"] + fields).joined(separator: " ") + "\n")
    }

    /// A logger for one command run.
    public static func logger(level: Logger.Level, context: CLIContext) -> Logger {
        Logger(label: "grapevine") { _ in CLILogHandler(level: level, output: context.errorOutput) }
    }
}
