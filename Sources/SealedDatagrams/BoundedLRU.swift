/// A map with a fixed capacity that forgets its least recently used keys.
///
/// Eviction drops the oldest eighth at once, so a stream of new keys costs amortised O(log n)
/// per insert rather than a scan each time. Order never depends on hashing: ages are counters.
public struct BoundedLRU<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var storage: [Key: (value: Value, age: UInt64)] = [:]
    private var clock: UInt64 = 0
    public let capacity: Int

    public init(capacity: Int) {
        precondition(capacity > 0, "an LRU needs room for one key")
        self.capacity = capacity
    }

    public var count: Int { storage.count }

    /// The value for `key`, marking it as just used.
    public mutating func get(_ key: Key) -> Value? {
        guard let hit = storage[key] else { return nil }
        clock += 1
        storage[key] = (hit.value, clock)
        return hit.value
    }

    public func peek(_ key: Key) -> Value? {
        storage[key]?.value
    }

    public mutating func set(_ key: Key, _ value: Value) {
        clock += 1
        storage[key] = (value, clock)
        if storage.count > capacity { evictOldest() }
    }

    private mutating func evictOldest() {
        let drop = max(1, capacity / 8)
        let ages = storage.values.map(\.age).sorted()
        let cutoff = ages[min(drop, ages.count) - 1]
        storage = storage.filter { $0.value.age > cutoff }
    }
}
