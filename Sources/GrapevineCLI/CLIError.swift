import GrapevineCore
import GrapevineStore
import VCard

/// A failure the user can act on: one line saying what went wrong and what to do, optional
/// detail lines (such as the candidates of an ambiguous WHO), and the exit code.
public struct CLIError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var details: [String]
    public var exitCode: Int32

    public init(_ message: String, details: [String] = [], exitCode: Int32 = 1) {
        self.message = message
        self.details = details
        self.exitCode = exitCode
    }

    public var description: String { message }

    /// The error as the user sees it, for the error types of the modules below the CLI; nil for
    /// errors that are not ours (argument parsing errors, which the parser formats itself).
    public static func from(_ error: any Error) -> CLIError? {
        switch error {
        case let error as CLIError: return error
        case let error as KeyFileError: return CLIError(error.description)
        case let error as IdentityParseError: return CLIError("not an identity: \(error.description)")
        case let error as EntryError: return CLIError("cannot write this entry: \(error.description)")
        case let error as StoreError: return store(error)
        case let error as VCardParseError: return CLIError(error.description)
        case let error as InviteError: return CLIError(error.description)
        default: return nil
        }
    }

    /// A store failure, with what to do about it from the command line.
    static func store(_ error: StoreError) -> CLIError {
        switch error {
        case .damaged(let path):
            return CLIError("\(error.description): move it aside (`mv \(path) \(path).damaged`) and run `grapevine init --recover` to start a fresh one; the network still holds your signed entries")
        case .database, .corruptEntry:
            return CLIError("\(error.description): try again; if it happens again, the store may be damaged: move it aside and run `grapevine init --recover`")
        default:
            return CLIError(error.description)
        }
    }
}
