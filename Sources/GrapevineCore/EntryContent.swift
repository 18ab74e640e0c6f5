/// What an entry says, decoded and validated for the kinds this version knows.
public enum EntryContent: Sendable, Equatable {
    case card(CardUpdate)
    case endpoint(EndpointInfo)
    case edge(EdgeInfo)
    case introduction(IntroductionInfo)
    case introductionResponse(IntroductionAnswer)
    /// The author's card key sealed to one recipient, or an empty grant that withdraws it.
    case grant(GrantInfo)
    /// A kind this version does not know: verified, bounded and carried as opaque bytes.
    case unknown(payload: [UInt8])
}

/// Sets one card field: to public `values`, or to values sealed for the author's connections;
/// no values and no sealed bytes clears it.
public struct CardUpdate: Sendable, Equatable {
    public var field: String
    /// The public values; empty when the field is sealed.
    public var values: [CardItem]
    /// The connections-only values, which only holders of the author's card key can open.
    public var sealed: SealedValue?

    public init(field: String, values: [CardItem]) {
        self.field = field
        self.values = values
        self.sealed = nil
    }

    public init(field: String, sealed: SealedValue) {
        self.field = field
        self.values = []
        self.sealed = sealed
    }

    /// True when the entry neither sets public values nor carries sealed ones.
    public var clears: Bool { values.isEmpty && sealed == nil }
}

/// One value of a card field, with an optional vCard TYPE token such as `work` or `cell`: the one
/// type of a card value, in entries, in the store's answers and in the CLI's JSON (`value`, `type`).
public struct CardItem: Codable, Sendable, Equatable, Hashable {
    public var value: String
    public var type: String

    public init(_ value: String, type: String = "") {
        self.value = value
        self.type = type
    }
}

/// Where the author's node listens.
public struct EndpointInfo: Sendable, Equatable {
    public var addresses: [NodeAddress]

    public init(addresses: [NodeAddress]) {
        self.addresses = addresses
    }
}

/// A network address carried in an endpoint entry: a UDP address, or a relay through which the
/// author can be reached (PROTOCOL.md §5.4).
public struct NodeAddress: Sendable, Equatable, Hashable {
    public static let udpKind: UInt32 = 1
    /// `ip` and `port` are the relay's address as the author verified it; `relay` is its key.
    public static let relayKind: UInt32 = 2

    public var kind: UInt32
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public var ip: [UInt8]
    public var port: UInt16
    public var relay: String
    /// How the author knows the address (PROTOCOL.md §5.4), which decides who tries it and in
    /// what order; nil when the entry does not say.
    public var origin: AddressOrigin?

    public init(kind: UInt32 = NodeAddress.udpKind, ip: [UInt8], port: UInt16, relay: String = "",
                origin: AddressOrigin? = nil) {
        self.kind = kind
        self.ip = ip
        self.port = port
        self.relay = relay
        self.origin = origin
    }
}

/// How a node knows one of its own addresses (the `origin` of an endpoint address).
public enum AddressOrigin: UInt32, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// An address of one of its network interfaces.
    case interface = 1
    /// Where its peers see its datagrams come from: the public side of its NAT mapping.
    case observed = 2
    /// Given by its user (`--advertise`): a port forward, or an address the node cannot see.
    case forwarded = 3
    /// A relay that holds its reservation: it is reached through circuits there (kind 2 only).
    case relay = 4

    public var description: String {
        switch self {
        case .interface: "interface"
        case .observed: "observed"
        case .forwarded: "forwarded"
        case .relay: "relay"
        }
    }
}

public enum EdgeState: UInt32, Sendable, Equatable {
    case connected = 1
    case removed = 2
}

/// The author's relationship to `target`.
public struct EdgeInfo: Sendable, Equatable {
    public var target: PublicIdentity
    public var state: EdgeState

    public init(target: PublicIdentity, state: EdgeState) {
        self.target = target
        self.state = state
    }
}

/// The author introduces `a` to `b`.
public struct IntroductionInfo: Sendable, Equatable {
    public var a: PublicIdentity
    public var b: PublicIdentity
    public var note: String

    public init(a: PublicIdentity, b: PublicIdentity, note: String = "") {
        self.a = a
        self.b = b
        self.note = note
    }
}

/// An answer to an introduction by one of the two people introduced.
public struct IntroductionAnswer: Sendable, Equatable {
    public enum Answer: UInt32, Sendable, Equatable {
        case accept = 1
        case decline = 2
    }

    public var introduction: EntryID
    public var answer: Answer

    public init(introduction: EntryID, answer: Answer) {
        self.introduction = introduction
        self.answer = answer
    }
}
