import GrapevineCore

/// The ids a node holds, ordered by (stamp, id), with the fingerprint of any range in O(log n).
///
/// An AVL tree stored in arrays (so it is a plain value, copied on write) whose nodes cache the
/// `IDSum` of their subtree. The fingerprint of `[lower, upper)` is the prefix sum below `upper`
/// minus the prefix sum below `lower`, each found on one root-to-leaf path. The AVL balance is
/// deterministic, so no choice of ids can make the tree degenerate.
public struct ReconciliationIndex: Sendable {
    /// A position in (stamp, id) order: a range `[lower, upper)` holds the items with
    /// `lower <= (stamp, id) < upper`. `max` lies above every item.
    public struct Bound: Comparable, Hashable, Sendable, CustomStringConvertible {
        let key: OrderKey
        let isInfinite: Bool

        public init(stamp: HLCStamp, id: EntryID) {
            key = OrderKey(stamp: stamp, id: id)
            isInfinite = false
        }

        /// The lowest bound with this stamp whose id starts with `idPrefix` (at most 32 bytes are
        /// used; the rest are zero), as reconciliation messages send bounds in short form.
        public init(stamp: HLCStamp, idPrefix: [UInt8]) {
            var bytes = [UInt8](repeating: 0, count: EntryID.length)
            for (i, b) in idPrefix.prefix(EntryID.length).enumerated() { bytes[i] = b }
            key = OrderKey(stamp: stamp.rawValue, idBytes: bytes)
            isInfinite = false
        }

        init(key: OrderKey) {
            self.key = key
            isInfinite = false
        }

        private init(infinite: Void) {
            key = OrderKey(stamp: UInt64.max, b0: .max, b1: .max, b2: .max, b3: .max)
            isInfinite = true
        }

        /// Below every item.
        public static let min = Bound(key: OrderKey(stamp: 0, b0: 0, b1: 0, b2: 0, b3: 0))
        /// Above every item.
        public static let max = Bound(infinite: ())

        public var stamp: HLCStamp { HLCStamp(rawValue: key.stamp) }
        public var id: EntryID { key.id }
        public var isMax: Bool { isInfinite }

        public static func < (lhs: Bound, rhs: Bound) -> Bool {
            if lhs.isInfinite || rhs.isInfinite { return !lhs.isInfinite && rhs.isInfinite }
            return lhs.key < rhs.key
        }

        public var description: String { isInfinite ? "max" : "\(stamp)/\(id.hex)" }
    }

    private struct Node: Sendable {
        var key: OrderKey
        var left: Int32
        var right: Int32
        var height: Int32
        var sum: IDSum
    }

    private static let none: Int32 = -1

    private var nodes: [Node] = []
    private var freeSlots: [Int32] = []
    private var root: Int32 = ReconciliationIndex.none

    public init() {}

    /// An index over `items`, built in O(n log n) (sorting) rather than by n inserts.
    public init<S: Sequence>(_ items: S) where S.Element == (stamp: HLCStamp, id: EntryID) {
        var keys = items.map { OrderKey(stamp: $0.stamp, id: $0.id) }
        keys.sort()
        var unique: [OrderKey] = []
        unique.reserveCapacity(keys.count)
        for k in keys where unique.last != k { unique.append(k) }
        nodes.reserveCapacity(unique.count)
        root = build(unique, 0, unique.count)
    }

    /// How many items the index holds.
    public var count: Int { sum(root).count }

    /// The fingerprint of the whole set.
    public var fingerprint: Fingerprint { sum(root).fingerprint }

    public func contains(stamp: HLCStamp, id: EntryID) -> Bool {
        let key = OrderKey(stamp: stamp, id: id)
        var n = root
        while n != Self.none {
            let node = nodes[Int(n)]
            if key == node.key { return true }
            n = key < node.key ? node.left : node.right
        }
        return false
    }

    /// Adds an item; adding one already present changes nothing.
    public mutating func insert(stamp: HLCStamp, id: EntryID) {
        root = insert(OrderKey(stamp: stamp, id: id), into: root)
    }

    /// Removes an item; removing one not present changes nothing.
    public mutating func remove(stamp: HLCStamp, id: EntryID) {
        root = remove(OrderKey(stamp: stamp, id: id), from: root)
    }

    /// One insertion or removal, as `MergeCore` journals them for a reader's copy.
    public enum Change: Sendable, Equatable {
        case insert(HLCStamp, EntryID)
        case remove(HLCStamp, EntryID)
    }

    /// Replays changes in order: the same items as the index they were taken from.
    public mutating func apply(_ changes: [Change]) {
        for change in changes {
            switch change {
            case .insert(let stamp, let id): insert(stamp: stamp, id: id)
            case .remove(let stamp, let id): remove(stamp: stamp, id: id)
            }
        }
    }

    /// The fingerprint of the items in `[lower, upper)`.
    public func fingerprint(from lower: Bound, to upper: Bound) -> Fingerprint {
        rangeSum(lower, upper).fingerprint
    }

    /// The number of items in `[lower, upper)`.
    public func count(from lower: Bound, to upper: Bound) -> Int {
        guard lower < upper else { return 0 }
        return rank(of: upper) - rank(of: lower)
    }

    /// The number of items below `bound`.
    public func rank(of bound: Bound) -> Int {
        if bound.isInfinite { return count }
        var acc = 0
        var n = root
        while n != Self.none {
            let node = nodes[Int(n)]
            if node.key < bound.key {
                acc += sum(node.left).count + 1
                n = node.right
            } else {
                n = node.left
            }
        }
        return acc
    }

    /// The items in `[lower, upper)` in (stamp, id) order, at most `limit` of them.
    public func items(from lower: Bound, to upper: Bound, limit: Int = .max) -> [(stamp: HLCStamp, id: EntryID)] {
        var out: [(stamp: HLCStamp, id: EntryID)] = []
        guard limit > 0, lower < upper else { return out }
        var stack: [Int32] = []
        var n = root
        while n != Self.none {
            let node = nodes[Int(n)]
            if Bound(key: node.key) >= lower {
                stack.append(n)
                n = node.left
            } else {
                n = node.right
            }
        }
        while let top = stack.popLast() {
            let node = nodes[Int(top)]
            guard Bound(key: node.key) < upper else { break }
            out.append((HLCStamp(rawValue: node.key.stamp), node.key.id))
            if out.count >= limit { break }
            var m = node.right
            while m != Self.none {
                stack.append(m)
                m = nodes[Int(m)].left
            }
        }
        return out
    }

    /// The bound of the item `offset` places after the first item at or above `lower`
    /// (offset 0 is that item itself), or `.max` when there is no such item.
    public func bound(atOffset offset: Int, from lower: Bound) -> Bound {
        guard offset >= 0 else { return lower }
        let target = rank(of: lower) + offset
        guard target < count else { return .max }
        return Bound(key: key(atRank: target))
    }

    /// Bounds that cut `[lower, upper)` into `parts` ranges of nearly equal count: the lower
    /// bounds of the second to last part, ascending. Fewer when the range holds fewer items than
    /// parts; the first part always starts at `lower` and the last ends at `upper`.
    public func splitBounds(from lower: Bound, to upper: Bound, parts: Int) -> [Bound] {
        let total = count(from: lower, to: upper)
        let k = Swift.min(parts, total)
        guard k > 1 else { return [] }
        let start = rank(of: lower)
        var out: [Bound] = []
        out.reserveCapacity(k - 1)
        for i in 1..<k {
            out.append(Bound(key: key(atRank: start + (total * i) / k)))
        }
        return out
    }

    // MARK: - Queries

    private func sum(_ n: Int32) -> IDSum {
        n == Self.none ? .zero : nodes[Int(n)].sum
    }

    private func height(_ n: Int32) -> Int32 {
        n == Self.none ? 0 : nodes[Int(n)].height
    }

    /// The sum of the items below `bound`.
    private func prefixSum(_ bound: Bound) -> IDSum {
        if bound.isInfinite { return sum(root) }
        var acc = IDSum.zero
        var n = root
        while n != Self.none {
            let node = nodes[Int(n)]
            if node.key < bound.key {
                acc += sum(node.left) + node.key.idSum
                n = node.right
            } else {
                n = node.left
            }
        }
        return acc
    }

    private func rangeSum(_ lower: Bound, _ upper: Bound) -> IDSum {
        guard lower < upper else { return .zero }
        return prefixSum(upper) - prefixSum(lower)
    }

    private func key(atRank rank: Int) -> OrderKey {
        var r = rank
        var n = root
        while true {
            let node = nodes[Int(n)]
            let leftCount = sum(node.left).count
            if r < leftCount {
                n = node.left
            } else if r == leftCount {
                return node.key
            } else {
                r -= leftCount + 1
                n = node.right
            }
        }
    }

    // MARK: - AVL maintenance

    private mutating func build(_ keys: [OrderKey], _ lo: Int, _ hi: Int) -> Int32 {
        guard lo < hi else { return Self.none }
        let mid = (lo + hi) / 2
        let left = build(keys, lo, mid)
        let right = build(keys, mid + 1, hi)
        let n = allocate(keys[mid])
        nodes[Int(n)].left = left
        nodes[Int(n)].right = right
        update(n)
        return n
    }

    private mutating func allocate(_ key: OrderKey) -> Int32 {
        let node = Node(key: key, left: Self.none, right: Self.none, height: 1, sum: key.idSum)
        if let slot = freeSlots.popLast() {
            nodes[Int(slot)] = node
            return slot
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    private mutating func update(_ n: Int32) {
        let node = nodes[Int(n)]
        nodes[Int(n)].height = 1 + Swift.max(height(node.left), height(node.right))
        nodes[Int(n)].sum = sum(node.left) + node.key.idSum + sum(node.right)
    }

    private mutating func rotateRight(_ n: Int32) -> Int32 {
        let l = nodes[Int(n)].left
        nodes[Int(n)].left = nodes[Int(l)].right
        nodes[Int(l)].right = n
        update(n)
        update(l)
        return l
    }

    private mutating func rotateLeft(_ n: Int32) -> Int32 {
        let r = nodes[Int(n)].right
        nodes[Int(n)].right = nodes[Int(r)].left
        nodes[Int(r)].left = n
        update(n)
        update(r)
        return r
    }

    private mutating func rebalance(_ n: Int32) -> Int32 {
        update(n)
        let node = nodes[Int(n)]
        let balance = height(node.left) - height(node.right)
        if balance > 1 {
            let l = node.left
            if height(nodes[Int(l)].left) < height(nodes[Int(l)].right) {
                nodes[Int(n)].left = rotateLeft(l)
            }
            return rotateRight(n)
        }
        if balance < -1 {
            let r = node.right
            if height(nodes[Int(r)].right) < height(nodes[Int(r)].left) {
                nodes[Int(n)].right = rotateRight(r)
            }
            return rotateLeft(n)
        }
        return n
    }

    private mutating func insert(_ key: OrderKey, into n: Int32) -> Int32 {
        guard n != Self.none else { return allocate(key) }
        let nodeKey = nodes[Int(n)].key
        if key == nodeKey { return n }
        if key < nodeKey {
            let child = insert(key, into: nodes[Int(n)].left)
            nodes[Int(n)].left = child
        } else {
            let child = insert(key, into: nodes[Int(n)].right)
            nodes[Int(n)].right = child
        }
        return rebalance(n)
    }

    private mutating func remove(_ key: OrderKey, from n: Int32) -> Int32 {
        guard n != Self.none else { return Self.none }
        let node = nodes[Int(n)]
        if key < node.key {
            let child = remove(key, from: node.left)
            nodes[Int(n)].left = child
            return rebalance(n)
        }
        if node.key < key {
            let child = remove(key, from: node.right)
            nodes[Int(n)].right = child
            return rebalance(n)
        }
        freeSlots.append(n)
        if node.left == Self.none { return node.right }
        if node.right == Self.none { return node.left }
        let (rest, successor) = removeMin(node.right)
        nodes[Int(successor)].left = node.left
        nodes[Int(successor)].right = rest
        return rebalance(successor)
    }

    /// Detaches the smallest node of subtree `n`: returns the remaining subtree and that node.
    private mutating func removeMin(_ n: Int32) -> (rest: Int32, min: Int32) {
        let left = nodes[Int(n)].left
        guard left != Self.none else { return (nodes[Int(n)].right, n) }
        let (rest, minNode) = removeMin(left)
        nodes[Int(n)].left = rest
        return (rebalance(n), minNode)
    }
}
