import Sodium

/// Who holds my card key, and what to write so that exactly my mutual connections do
/// (PROTOCOL.md §5.9.5 and §5.9.6). Pure: the state is read by the caller inside its write
/// transaction, and new keys and random bytes come from `CardRandomness`.
public enum CardKeyPlanner {
    /// What my store says about my card key, read inside the write transaction.
    public struct State: Sendable {
        public var me: PublicIdentity
        /// The key my fields are sealed under now; nil when I have never sealed a field.
        public var currentKey: CardKey?
        /// My mutual connections, sorted.
        public var mutual: [PublicIdentity]
        /// My retained grants, sorted by recipient.
        public var grants: [GrantInfo]
        /// My connections-only fields that my keys open, sorted by field name.
        public var sealedFields: [(field: String, values: [CardItem])]

        public init(me: PublicIdentity, currentKey: CardKey?, mutual: [PublicIdentity], grants: [GrantInfo],
                    sealedFields: [(field: String, values: [CardItem])]) {
            self.me = me
            self.currentKey = currentKey
            self.mutual = mutual
            self.grants = grants
            self.sealedFields = sealedFields
        }
    }

    /// The entries to write, in order, and the key to remember first when the plan makes one.
    public struct Plan: Sendable {
        public var newKey: CardKey?
        public var contents: [EntryContent]

        public var isEmpty: Bool { newKey == nil && contents.isEmpty }
    }

    /// Fresh keys, nonces and sealed-box seeds; tests pass a seeded source.
    public struct CardRandomness: Sendable {
        public var bytes: @Sendable (Int) -> [UInt8]

        public init(bytes: @escaping @Sendable (Int) -> [UInt8]) {
            self.bytes = bytes
        }

        public static let system = CardRandomness(bytes: { Sodium.randomBytes($0) })

        func key() -> CardKey {
            guard let key = CardKey(bytes: bytes(CardKey.length)) else { return CardKey.generate() }
            return key
        }
    }

    /// Keeps the grants in step with my mutual connections: when someone who holds my key is no
    /// longer one, rotates (new key, every connections-only field sealed again, grants to the
    /// remaining connections, an empty grant to each one removed); otherwise grants the current key
    /// to each mutual connection that lacks it.
    public static func maintain(_ state: State, randomness: CardRandomness) throws -> Plan {
        let removed = state.grants.filter { !$0.isEmpty && !state.mutual.contains($0.recipient) }.map(\.recipient)
        if !removed.isEmpty {
            return try rotate(state, removing: removed, randomness: randomness)
        }
        guard let key = state.currentKey else { return Plan(newKey: nil, contents: []) }
        return Plan(newKey: nil, contents: grants(of: key, to: missing(state, key: key), randomness: randomness))
    }

    /// Seals `values` of `field` under my current key, making one first (and granting it to every
    /// mutual connection) when there is none.
    public static func seal(_ values: [CardItem], field: String, state: State, randomness: CardRandomness) throws -> Plan {
        var plan = Plan(newKey: nil, contents: [])
        let key: CardKey
        if let current = state.currentKey {
            key = current
        } else {
            key = randomness.key()
            plan.newKey = key
            plan.contents = grants(of: key, to: state.mutual, randomness: randomness)
        }
        let sealed = try CardSealing.seal(values, field: field, author: state.me, key: key,
                                          nonce: randomness.bytes(SealedValue.nonceLength))
        plan.contents.append(.card(CardUpdate(field: field, sealed: sealed)))
        return plan
    }

    private static func rotate(_ state: State, removing removed: [PublicIdentity], randomness: CardRandomness) throws
        -> Plan
    {
        let key = randomness.key()
        var contents: [EntryContent] = []
        for (field, values) in state.sealedFields {
            let sealed = try CardSealing.seal(values, field: field, author: state.me, key: key,
                                              nonce: randomness.bytes(SealedValue.nonceLength))
            contents.append(.card(CardUpdate(field: field, sealed: sealed)))
        }
        contents += grants(of: key, to: state.mutual, randomness: randomness)
        contents += removed.map { .grant(.empty(to: $0)) }
        return Plan(newKey: key, contents: contents)
    }

    private static func missing(_ state: State, key: CardKey) -> [PublicIdentity] {
        state.mutual.filter { person in !state.grants.contains { $0.recipient == person && $0.keyID == key.id } }
    }

    private static func grants(of key: CardKey, to people: [PublicIdentity], randomness: CardRandomness) -> [EntryContent] {
        people.compactMap { person in
            CardSealing.grant(key, to: person, ephemeralSeed: randomness.bytes(SealedBox.ephemeralSeedLength)).map { .grant($0) }
        }
    }
}
