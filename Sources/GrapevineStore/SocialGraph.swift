import GrapevineCore

/// The mutual-connection graph in memory, so that a path query is a breadth-first search over
/// arrays rather than thousands of SQLite lookups.
///
/// Built from the `edge` table at open and kept current as edges merge. Node numbers are
/// assigned in the order identities first appear; neighbour lists are sorted by node number,
/// so a search over the same history always returns the same path.
struct SocialGraph: Sendable {
    private var index: [PublicIdentity: Int32] = [:]
    private var identities: [PublicIdentity] = []
    /// Targets each identity says it is `connected` to.
    private var outgoing: [[Int32]] = []
    /// Identities connected in both directions.
    private var mutual: [[Int32]] = []

    var mutualEdgeCount: Int { mutual.reduce(0) { $0 + $1.count } / 2 }

    mutating func apply(_ change: DerivedTables.EdgeChange) {
        set(author: change.author, target: change.target, connected: change.connected)
    }

    mutating func set(author: PublicIdentity, target: PublicIdentity, connected: Bool) {
        if connected {
            let a = node(for: author)
            let b = node(for: target)
            guard Self.insert(b, into: &outgoing[Int(a)]) else { return }
            if Self.contains(a, in: outgoing[Int(b)]) {
                _ = Self.insert(b, into: &mutual[Int(a)])
                _ = Self.insert(a, into: &mutual[Int(b)])
            }
        } else {
            guard let a = index[author], let b = index[target] else { return }
            guard Self.remove(b, from: &outgoing[Int(a)]) else { return }
            _ = Self.remove(b, from: &mutual[Int(a)])
            _ = Self.remove(a, from: &mutual[Int(b)])
        }
    }

    /// The identities `identity` is mutually connected with, sorted by key.
    func mutualConnections(of identity: PublicIdentity) -> [PublicIdentity] {
        guard let n = index[identity] else { return [] }
        return mutual[Int(n)].map { identities[Int($0)] }.sorted()
    }

    /// A shortest path over mutual connections and the first hops that lie on some shortest path.
    struct Route: Sendable {
        var path: [PublicIdentity]
        var introducers: [PublicIdentity]
    }

    /// Bidirectional breadth-first search: expands the smaller frontier one whole level at a time,
    /// so the first level where the two sides meet gives the shortest length.
    func route(from source: PublicIdentity, to target: PublicIdentity) -> Route? {
        if source == target { return Route(path: [source], introducers: []) }
        guard let s = index[source], let t = index[target] else { return nil }
        let count = identities.count
        var distS = [Int32](repeating: -1, count: count)
        var distT = [Int32](repeating: -1, count: count)
        var parentS = [Int32](repeating: -1, count: count)
        var parentT = [Int32](repeating: -1, count: count)
        distS[Int(s)] = 0
        distT[Int(t)] = 0
        var frontS: [Int32] = [s]
        var frontT: [Int32] = [t]
        var depthS: Int32 = 0
        var depthT: Int32 = 0
        var meeting: [Int32] = []
        while meeting.isEmpty, !frontS.isEmpty, !frontT.isEmpty {
            if frontS.count <= frontT.count {
                depthS += 1
                frontS = expand(frontS, depth: depthS, dist: &distS, parent: &parentS, other: distT, meeting: &meeting)
            } else {
                depthT += 1
                frontT = expand(frontT, depth: depthT, dist: &distT, parent: &parentT, other: distS, meeting: &meeting)
            }
        }
        guard let first = meeting.first else { return nil }
        let length = depthS + depthT
        let onPaths = meeting.filter { distS[Int($0)] + distT[Int($0)] == length }
        let middle = onPaths.first ?? first
        var path: [Int32] = []
        var node = middle
        while node != -1 {
            path.append(node)
            node = parentS[Int(node)]
        }
        path.reverse()
        node = parentT[Int(middle)]
        while node != -1 {
            path.append(node)
            node = parentT[Int(node)]
        }
        let introducers = length >= 2 ? firstHops(onPaths, distS: distS) : []
        return Route(path: path.map { identities[Int($0)] }, introducers: introducers.map { identities[Int($0)] }.sorted())
    }

    private func expand(
        _ front: [Int32], depth: Int32, dist: inout [Int32], parent: inout [Int32], other: [Int32],
        meeting: inout [Int32]
    ) -> [Int32] {
        var next: [Int32] = []
        for u in front {
            for v in mutual[Int(u)] where dist[Int(v)] == -1 {
                dist[Int(v)] = depth
                parent[Int(v)] = u
                next.append(v)
                if other[Int(v)] != -1 { meeting.append(v) }
            }
        }
        return next
    }

    /// Walks the source side back from the meeting nodes to depth 1: those neighbours of the
    /// source lie on a shortest path, so any of them can make the introduction.
    private func firstHops(_ meeting: [Int32], distS: [Int32]) -> [Int32] {
        var level = meeting
        var depth = meeting.first.map { distS[Int($0)] } ?? 0
        var seen = Set(level)
        while depth > 1 {
            var previous: [Int32] = []
            for y in level {
                for z in mutual[Int(y)] where distS[Int(z)] == depth - 1 && !seen.contains(z) {
                    seen.insert(z)
                    previous.append(z)
                }
            }
            level = previous
            depth -= 1
        }
        return level
    }

    private mutating func node(for identity: PublicIdentity) -> Int32 {
        if let n = index[identity] { return n }
        let n = Int32(identities.count)
        index[identity] = n
        identities.append(identity)
        outgoing.append([])
        mutual.append([])
        return n
    }

    private static func position(of value: Int32, in list: [Int32]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private static func contains(_ value: Int32, in list: [Int32]) -> Bool {
        let i = position(of: value, in: list)
        return i < list.count && list[i] == value
    }

    private static func insert(_ value: Int32, into list: inout [Int32]) -> Bool {
        let i = position(of: value, in: list)
        if i < list.count && list[i] == value { return false }
        list.insert(value, at: i)
        return true
    }

    private static func remove(_ value: Int32, from list: inout [Int32]) -> Bool {
        let i = position(of: value, in: list)
        guard i < list.count && list[i] == value else { return false }
        list.remove(at: i)
        return true
    }
}
