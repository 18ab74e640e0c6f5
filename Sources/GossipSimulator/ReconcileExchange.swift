import GossipEngine
import GrapevineCore
import GrapevineMerge

/// A whole reconciliation session between two in-memory indexes, without loss: what each side
/// learns it must send, how many messages and payload bytes the frames took. For benchmarks,
/// vectors and tests.
public struct ReconcileExchange: Sendable {
    /// Every message (a batch of frames sent one way), in order, as encoded payloads.
    public var messages: [[[UInt8]]] = []
    /// Ids A holds that B lacks, and the reverse, as the sides found them.
    public var aSends: Set<EntryID> = []
    public var bSends: Set<EntryID> = []

    public var frameBytes: Int { messages.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }
    /// A round trip is a message and its answer; the opening frame alone is one.
    public var roundTrips: Int { (messages.count + 1) / 2 }

    public init(a: ReconciliationIndex, b: ReconciliationIndex, config: GossipConfig = GossipConfig(), session: UInt64 = 1) {
        let reconciler = Reconciler(config: config)
        var frames = [reconciler.opening(session: session, index: a)]
        var bTurn = true
        while !frames.isEmpty {
            var payloads: [[UInt8]] = []
            var next: [ReconcileFrame] = []
            for frame in frames {
                var message = GossipMessage()
                message.reconcile = frame
                payloads.append(message.encoded())
                let answer = reconciler.answer(frame, index: bTurn ? b : a)
                if bTurn {
                    bSends.formUnion(answer.have)
                    aSends.formUnion(answer.need)
                } else {
                    aSends.formUnion(answer.have)
                    bSends.formUnion(answer.need)
                }
                next += answer.frames
            }
            messages.append(payloads)
            frames = next
            bTurn.toggle()
        }
    }
}
