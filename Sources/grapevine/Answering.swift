import GrapevineCLI
import GrapevineCore

/// What `accept` and `decline` share: find the introduction among those naming me, write my
/// answer, and keep my connection to the other person in step with it (``AnswerPlan``).
enum Answering {
    /// The rule, as `accept --help` and `decline --help` state it.
    static let rule = """
        The latest answer wins, and your connection follows it: accepting records your connection \
        to the other person; declining after accepting removes the connection that accepting made \
        (one you had recorded before stays); accepting after declining connects you again. \
        Answering the same way twice writes nothing.
        """

    static func answer(_ text: String, _ answer: IntroductionAnswer.Answer, options: GlobalOptions, json: Bool) throws {
        let session = try options.open()
        let candidates = try session.reader.introductions(involving: session.me)
        let intro = try IntroResolver.resolve(text, among: candidates)
        let (a, b, introducer, id) = (intro.a, intro.b, intro.introducer, intro.id)
        guard session.me == a || session.me == b else {
            throw CLIError("you made introduction \(id.hex.prefix(12)); only the two people introduced can answer it")
        }
        let other = session.me == a ? b : a
        let resolver = try session.resolver()
        let plan = AnswerPlan.plan(answer, previous: try session.reader.answer(to: id, by: session.me),
                                   edge: try session.reader.edge(from: session.me, to: other))
        let entry = plan.writesResponse
            ? try session.write(.introductionResponse(IntroductionAnswer(introduction: id, answer: answer))) : nil
        if let state = plan.edge {
            try session.write(.edge(EdgeInfo(target: other, state: state)))
        }
        if json {
            try session.printJSON(AnswerJSON(
                entry: entry, introduction: id.hex, introducer: resolver.names.person(introducer),
                other: resolver.names.person(other), connection: plan.connection.rawValue))
            return
        }
        let verb = answer == .accept ? "accepted" : "declined"
        let line = (entry == nil ? "you had already \(verb)" : verb)
            + " the introduction by \(resolver.names.label(introducer)) to \(resolver.names.label(other))"
        switch plan.connection {
        case .connected: session.context.print(line + ": connected to them")
        case .alreadyConnected: session.context.print(line + ": you are connected to them")
        case .removed: session.context.print(line + ": removed your connection to them, which accepting had made")
        case .unchanged: session.context.print(line)
        }
        if introducer != session.me, !(try session.reader.connections(of: session.me).mutual.contains(introducer)) {
            session.context.print("note: \(resolver.names.label(introducer)) is not your mutual connection")
        }
    }
}
