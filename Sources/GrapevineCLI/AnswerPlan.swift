import GrapevineCore
import GrapevineStore

/// What answering an introduction writes, so that my answer and my connection to the other
/// person always agree. The rule, stated in `accept --help`, `decline --help` and docs/CLI.md:
/// the latest answer wins; accepting connects me to the other person (unless I already am);
/// declining after accepting removes the connection that accepting made, and a connection I
/// had recorded before accepting stays. Answering the same way twice writes nothing.
public struct AnswerPlan: Sendable, Equatable {
    /// What happens to my edge toward the other person.
    public enum Connection: String, Sendable, Equatable {
        case connected
        case alreadyConnected = "already-connected"
        case removed
        case unchanged
    }

    /// Whether a response entry is written: false when my current answer is already this one.
    public var writesResponse: Bool
    public var connection: Connection

    public init(writesResponse: Bool, connection: Connection) {
        self.writesResponse = writesResponse
        self.connection = connection
    }

    /// The edge to write after the response, if any.
    public var edge: EdgeState? {
        switch connection {
        case .connected: return .connected
        case .removed: return .removed
        case .alreadyConnected, .unchanged: return nil
        }
    }

    /// The plan for giving `answer`, from my current answer to this introduction and my
    /// current edge toward the other person. An edge newer than my accept is the one accepting
    /// wrote (accepting writes its edge right after its response); an older one predates it.
    public static func plan(_ answer: IntroductionAnswer.Answer, previous: AnswerRecord?, edge: EdgeRecord?)
        -> AnswerPlan
    {
        let connected = edge?.state == .connected
        switch answer {
        case .accept:
            return AnswerPlan(writesResponse: previous?.answer != .accept,
                              connection: connected ? .alreadyConnected : .connected)
        case .decline:
            let madeByAccepting = previous.flatMap { previous in
                edge.map { previous.answer == .accept && connected && $0.stamp > previous.stamp }
            } ?? false
            return AnswerPlan(writesResponse: previous?.answer != .decline,
                              connection: madeByAccepting ? .removed : .unchanged)
        }
    }
}
