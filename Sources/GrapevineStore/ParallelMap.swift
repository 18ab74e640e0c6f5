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

/// Maps an array over a fixed number of threads in contiguous chunks, keeping the order.
enum ParallelMap {
    /// Each index is written by exactly one chunk, and `concurrentPerform` returns only after every
    /// chunk has finished, so the unsynchronised writes never race.
    private final class Slots<T>: @unchecked Sendable {
        var values: [T?]
        var nanos: [UInt64]
        init(count: Int, chunks: Int) {
            values = [T?](repeating: nil, count: count)
            nanos = [UInt64](repeating: 0, count: chunks)
        }
    }

    private final class Input<T>: @unchecked Sendable {
        let values: [T]
        init(_ values: [T]) { self.values = values }
    }

    /// Returns the mapped values and the CPU time all chunks used together.
    static func run<T, U>(_ input: [T], workers: Int, _ transform: @escaping @Sendable (T) -> U) -> (values: [U], nanos: UInt64) {
        let chunks = max(1, min(workers, input.count))
        let slots = Slots<U>(count: input.count, chunks: chunks)
        let source = Input(input)
        let chunkSize = (input.count + chunks - 1) / max(chunks, 1)
        let work: @Sendable (Int) -> Void = { chunk in
            let start = StoreClock.threadCPUNanos()
            let lower = chunk * chunkSize
            let upper = min(lower + chunkSize, source.values.count)
            if lower < upper {
                for i in lower..<upper {
                    slots.values[i] = transform(source.values[i])
                }
            }
            slots.nanos[chunk] = StoreClock.threadCPUNanos() - start
        }
        if chunks == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
        }
        return (slots.values.compactMap { $0 }, slots.nanos.reduce(0, +))
    }
}
