import Dispatch
import Synchronization

/// Ends the node's sleep between ticks early when the store has committed entries, so the
/// engine hears of them (and forwards them, answers, marks them merged) as soon as they are
/// durable, not when the sleep it chose before the datagram came runs out: up to 100 ms a hop,
/// a hop of every join and of every edit's spread.
///
/// One sleeper at a time (the tick loop). A ring while nobody sleeps is kept for the next sleep,
/// so a commit that lands between the choice of the pause and the sleep is not missed.
final class TickAlarm: Sendable {
    private struct State {
        var rung = false
        var sleeper: CheckedContinuation<Void, Never>?
        /// Which sleep a timer belongs to: a timer of a sleep already ended does nothing.
        var sleeps: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Ends the current sleep, or the next one if none is under way.
    func ring() {
        let sleeper = state.withLock { state in
            guard let sleeper = state.sleeper else {
                state.rung = true
                return nil as CheckedContinuation<Void, Never>?
            }
            state.sleeper = nil
            return sleeper
        }
        sleeper?.resume()
    }

    /// Sleeps `millis` or until rung, whichever comes first; at once if rung since the last
    /// sleep. A cancelled task wakes at once.
    func sleep(millis: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let sleep: UInt64? = state.withLock { state in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return nil
                    }
                    state.sleeps += 1
                    state.sleeper = continuation
                    return state.sleeps
                }
                guard let sleep else { return continuation.resume() }
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(millis))) { [self] in
                    let sleeper = state.withLock { state in
                        guard state.sleeps == sleep, let sleeper = state.sleeper else {
                            return nil as CheckedContinuation<Void, Never>?
                        }
                        state.sleeper = nil
                        return sleeper
                    }
                    sleeper?.resume()
                }
            }
        } onCancel: {
            ring()
        }
        state.withLock { $0.rung = false }
    }
}
