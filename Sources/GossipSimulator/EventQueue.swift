import GossipEngine
import GrapevineCore

/// What the simulator does at a moment of virtual time.
enum SimEvent {
    case deliver(node: Int, payload: [UInt8], from: PeerAddress, sender: Int)
    /// A relay frame (`SimRelayFrame`) arriving at a node from `from`.
    case deliverFrame(node: Int, frame: [UInt8], from: PeerAddress)
    case wake(node: Int, generation: UInt64)
}

/// A binary min-heap of events by (time, insertion order), so equal times replay in one order.
struct EventQueue {
    private var times: [UInt64] = []
    private var orders: [UInt64] = []
    private var events: [SimEvent] = []
    private var counter: UInt64 = 0

    var isEmpty: Bool { events.isEmpty }
    var nextTime: UInt64? { times.first }

    mutating func push(_ event: SimEvent, at time: UInt64) {
        counter += 1
        times.append(time)
        orders.append(counter)
        events.append(event)
        var i = events.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(i, parent) else { break }
            swap(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (time: UInt64, event: SimEvent)? {
        guard !events.isEmpty else { return nil }
        let top = (times[0], events[0])
        let last = events.count - 1
        swap(0, last)
        times.removeLast()
        orders.removeLast()
        events.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var smallest = i
            if l < events.count, less(l, smallest) { smallest = l }
            if r < events.count, less(r, smallest) { smallest = r }
            guard smallest != i else { break }
            swap(i, smallest)
            i = smallest
        }
        return top
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        times[a] != times[b] ? times[a] < times[b] : orders[a] < orders[b]
    }

    private mutating func swap(_ a: Int, _ b: Int) {
        times.swapAt(a, b)
        orders.swapAt(a, b)
        events.swapAt(a, b)
    }
}
