import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The number of cores this process may run on.
public enum System {
    public static var coreCount: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}

/// Maps an array over a fixed number of threads, keeping the order.
///
/// With more than one worker the array is cut into small chunks that the threads take as they
/// become free, so a thread that the scheduler delays (the store's writer shares the cores)
/// holds up only its own chunk, not half of the batch.
enum ParallelMap {
    /// Entries per chunk when the work is shared: small enough to even out the threads, large
    /// enough that taking a chunk and reading the CPU clock cost nothing beside a verification.
    static let grain = 64

    /// Each index is written by exactly one chunk, and `concurrentPerform` returns only after every
    /// chunk has finished, so the unsynchronised writes never race.
    private final class Slots<T>: @unchecked Sendable {
        var values: [T?]
        var firstNanos: [UInt64]
        var secondNanos: [UInt64]
        init(count: Int, chunks: Int) {
            values = [T?](repeating: nil, count: count)
            firstNanos = [UInt64](repeating: 0, count: chunks)
            secondNanos = [UInt64](repeating: 0, count: chunks)
        }
    }

    private final class Input<T>: @unchecked Sendable {
        let values: [T]
        init(_ values: [T]) { self.values = values }
    }

    /// Returns the mapped values and the CPU time all chunks used together.
    static func run<T, U>(_ input: [T], workers: Int, _ transform: @escaping @Sendable (T) -> U) -> (values: [U], nanos: UInt64) {
        if runsInline(input.count) {
            let start = StoreClock.monotonicNanos()
            let values = input.map(transform)
            return (values, StoreClock.monotonicNanos() - start)
        }
        let result = run(input, workers: workers, transform, { $0 })
        return (result.values, result.firstNanos)
    }

    /// Whether `count` elements are mapped on the calling thread without chunks: no more than a
    /// chunk (a datagram's entries), whose parallelism comes from datagrams checked at once.
    /// A one-stage inline run (the probe, a microsecond an entry) is timed on the monotonic clock,
    /// which costs no system call where the thread's CPU clock would cost one per reading, per
    /// datagram; a preemption inside it counts as probe time, so the figure errs high.
    private static func runsInline(_ count: Int) -> Bool {
        count <= grain
    }

    /// Maps each element through `first` then `second`, a chunk at a time (the whole chunk
    /// through `first`, then through `second`), and returns the CPU time of each stage over all
    /// chunks: two stages cost one round of thread hand-offs, not two.
    static func run<T, M, U>(
        _ input: [T], workers: Int, _ first: @escaping @Sendable (T) -> M, _ second: @escaping @Sendable (M) -> U
    ) -> (values: [U], firstNanos: UInt64, secondNanos: UInt64) {
        if runsInline(input.count) {
            // Decoding and verifying take tens of microseconds an entry: the thread's CPU clock
            // costs little beside them, and a preemption must not count as work.
            let start = StoreClock.threadCPUNanos()
            let middle = input.map(first)
            let between = StoreClock.threadCPUNanos()
            let values = middle.map(second)
            return (values, between - start, StoreClock.threadCPUNanos() - between)
        }
        let shared = max(1, min(workers, input.count))
        let chunkSize = shared == 1 ? max(1, input.count) : min(grain, (input.count + shared - 1) / shared)
        let chunks = (input.count + chunkSize - 1) / chunkSize
        let slots = Slots<U>(count: input.count, chunks: max(1, chunks))
        let source = Input(input)
        let work: @Sendable (Int) -> Void = { chunk in
            let lower = chunk * chunkSize
            let upper = min(lower + chunkSize, source.values.count)
            guard lower < upper else { return }
            let start = StoreClock.threadCPUNanos()
            let middle = source.values[lower..<upper].map(first)
            let between = StoreClock.threadCPUNanos()
            for (offset, value) in middle.enumerated() {
                slots.values[lower + offset] = second(value)
            }
            slots.firstNanos[chunk] = between - start
            slots.secondNanos[chunk] = StoreClock.threadCPUNanos() - between
        }
        if chunks <= 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
        }
        return (slots.values.compactMap { $0 }, slots.firstNanos.reduce(0, +), slots.secondNanos.reduce(0, +))
    }
}
