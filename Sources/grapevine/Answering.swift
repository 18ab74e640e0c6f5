import GrapevineCLI
import GrapevineCore

/// What `accept` and `decline` share: find the introduction among those naming me, and write
/// my answer (and, on accept, my connected edge to the other person).
enum Answering {
    static func answer(_ text: String, _ answer: IntroductionAnswer.Answer, options: GlobalOptions, json: Bool) throws {
        let session = try options.open()
        let candidates = try session.store.introductions(involving: session.me)
        let intro = try IntroResolver.resolve(text, among: candidates)
        guard let a = try? PublicIdentity(parsing: intro.a), let b = try? PublicIdentity(parsing: intro.b),
              let id = EntryID(bytes: Hex.decode(intro.id) ?? [])
        else { throw CLIError("introduction \(intro.id) is unreadable in the store; run `grapevine inspect`") }
        guard session.me == a || session.me == b else {
            throw CLIError("you made introduction \(intro.id.prefix(12)); only the two people introduced can answer it")
        }
        let other = session.me == a ? b : a
        let resolver = try session.resolver()
        let entry = try session.write(.introductionResponse(IntroductionAnswer(introduction: id, answer: answer)))
        if answer == .accept {
            try session.write(.edge(EdgeInfo(target: other, state: .connected)))
        }
        if json {
            try session.printJSON(WriteJSON(entry: entry, target: other))
            return
        }
        if answer == .accept {
            session.context.print("accepted: connected to \(session.describe(other, resolver))")
        } else {
            session.context.print("declined the introduction to \(session.describe(other, resolver))")
        }
    }
}
