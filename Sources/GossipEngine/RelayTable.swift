import GrapevineCore

/// The relay side of PROTOCOL.md §11.9: the reservations and circuits a relay holds, and the
/// checks a relay frame must pass before it is forwarded (§11.9.1, §11.9.2). Pure: time and
/// randomness come in, decisions go out, and the shell sends them. A relay never sends more
/// than one frame for each frame it receives, and only to an address an end set itself.
public struct RelayTable: Sendable {
    /// Why a frame to forward was dropped; counted, never fatal.
    public enum Drop: String, Error, Sendable, Equatable {
        case unknownCircuit = "unknown-circuit"
        case wrongSource = "wrong-source"
        case wrongSender = "wrong-sender"
        case circuitRate = "circuit-rate"
        case relayRate = "relay-rate"
    }

    /// The answers to a `connect`: one to the requester, and on success one to the target at its
    /// reservation address, so both ends know the circuit.
    public struct Answer: Sendable, Equatable {
        public var toRequester: RelayControl
        public var toTarget: (control: RelayControl, address: PeerAddress)?

        public static func == (lhs: Answer, rhs: Answer) -> Bool {
            lhs.toRequester == rhs.toRequester && lhs.toTarget?.control == rhs.toTarget?.control
                && lhs.toTarget?.address == rhs.toTarget?.address
        }
    }

    struct Pair: Hashable, Sendable {
        let requester: PublicIdentity
        let target: PublicIdentity
    }

    struct Reservation: Sendable {
        var address: PeerAddress
        var expires: UInt64
    }

    struct Circuit: Sendable {
        let requester: PublicIdentity
        var requesterAddress: PeerAddress
        let target: PublicIdentity
        var expires: UInt64
        var toTarget: ByteBucket
        var toRequester: ByteBucket
    }

    public let bounds: RelayBounds
    private var reservations: [PublicIdentity: Reservation] = [:]
    private var circuits: [UInt64: Circuit] = [:]
    /// The circuit of each (requester, target) pair: at most one, renewed by a new `connect`.
    private var circuitOfPair: [Pair: UInt64] = [:]
    /// Circuits each member has here, as either end, so the per-member bound costs a lookup.
    private var circuitsOfMember: [PublicIdentity: Int] = [:]
    private var total: ByteBucket
    /// Connects acted on per requester in the current probe interval (§11.9.2).
    private var connects: [PublicIdentity: (since: UInt64, count: Int)] = [:]
    /// No reservation or circuit lapses before this time, so `expire` sweeps the tables only when
    /// something can have lapsed, and at most once per connect window: a relay with thousands of
    /// circuits does not rebuild them for every request. A lapsed circuit forwards nothing
    /// (`forward` checks its time), and a connect window is checked where it is used.
    private var sweepAt: UInt64 = .max
    public private(set) var framesForwarded: UInt64 = 0
    public private(set) var bytesForwarded: UInt64 = 0

    public init(bounds: RelayBounds = RelayBounds(), now: UInt64) {
        self.bounds = bounds
        total = ByteBucket(bytesPerSecond: bounds.totalBytesPerSecond, burst: bounds.totalBurstBytes, now: now)
    }

    public var reservationCount: Int { reservations.count }
    public var circuitCount: Int { circuits.count }

    /// A `reserve` from `member`'s verified address: hold (or renew) its place there.
    public mutating func reserve(_ member: PublicIdentity, at address: PeerAddress, now: UInt64) -> RelayControl {
        expire(now: now)
        guard reservations[member] != nil || reservations.count < bounds.maxReservations else {
            return RelayControl(op: .reservation, status: .full)
        }
        let expires = now + UInt64(bounds.reservationLifetimeMillis)
        reservations[member] = Reservation(address: address, expires: expires)
        sweepAt = min(sweepAt, expires)
        return RelayControl(op: .reservation, status: .accepted, lifetimeMillis: bounds.reservationLifetimeMillis)
    }

    /// A `connect` from `requester`'s verified address to `target`: open a circuit, renew the
    /// pair's circuit, or say why not, in the order of §11.9.2. Nil when the requester has used
    /// its connects for this probe interval: the request is then ignored, not answered.
    public mutating func connect(from requester: PublicIdentity, at address: PeerAddress, to target: PublicIdentity,
                                 now: UInt64, random: inout some RandomNumberGenerator) -> Answer? {
        expire(now: now)
        let held = connects[requester].flatMap { now < $0.since + bounds.connectWindowMillis ? $0 : nil }
        let window: (since: UInt64, count: Int) = held ?? (now, 0)
        guard window.count < bounds.connectsPerWindow else { return nil }
        connects[requester] = (window.since, window.count + 1)
        func refuse(_ status: RelayControl.Status) -> Answer {
            Answer(toRequester: RelayControl(op: .circuit, peer: target, status: status))
        }
        guard let reservation = reservations[target], reservation.expires > now else { return refuse(.noReservation) }
        let id: UInt64
        let pair = Pair(requester: requester, target: target)
        if let held = circuitOfPair[pair], let circuit = circuits[held], circuit.expires <= now {
            // Lapsed, not yet swept: forgotten now, so the pair gets a fresh id.
            circuits[held] = nil
            circuitOfPair[pair] = nil
            circuitsOfMember[circuit.requester, default: 1] -= 1
            circuitsOfMember[circuit.target, default: 1] -= 1
        }
        if let held = circuitOfPair[pair] {
            id = held
            circuits[held]?.expires = now + UInt64(bounds.circuitLifetimeMillis)
            circuits[held]?.requesterAddress = address
        } else {
            guard circuitsOfMember[requester, default: 0] < bounds.circuitsPerMember,
                  circuitsOfMember[target, default: 0] < bounds.circuitsPerMember
            else { return refuse(.tooManyCircuits) }
            guard circuits.count < bounds.maxCircuits, total.hasRoom(now: now) else { return refuse(.full) }
            var fresh = random.next()
            while fresh == 0 || circuits[fresh] != nil { fresh = random.next() }
            id = fresh
            circuitOfPair[pair] = id
            circuitsOfMember[requester, default: 0] += 1
            circuitsOfMember[target, default: 0] += 1
            sweepAt = min(sweepAt, now + UInt64(bounds.circuitLifetimeMillis))
            circuits[id] = Circuit(
                requester: requester, requesterAddress: address, target: target,
                expires: now + UInt64(bounds.circuitLifetimeMillis),
                toTarget: ByteBucket(bytesPerSecond: bounds.circuitBytesPerSecond, burst: bounds.circuitBurstBytes, now: now),
                toRequester: ByteBucket(bytesPerSecond: bounds.circuitBytesPerSecond, burst: bounds.circuitBurstBytes, now: now))
        }
        func accepted(_ peer: PublicIdentity) -> RelayControl {
            RelayControl(op: .circuit, peer: peer, status: .accepted, circuit: id,
                         lifetimeMillis: bounds.circuitLifetimeMillis, rate: UInt32(bounds.circuitBytesPerSecond))
        }
        return Answer(toRequester: accepted(target), toTarget: (accepted(requester), reservation.address))
    }

    /// A type 1 frame of `length` bytes on `circuit` from `source`, whose inner datagram names
    /// `innerSender`: where to send it on as type 2, or why it is dropped (§11.9.1, in order).
    public mutating func forward(circuit id: UInt64, innerSender: [UInt8], length: Int, from source: PeerAddress,
                                 now: UInt64) -> Result<PeerAddress, Drop> {
        guard var c = circuits[id], c.expires > now, let reservation = reservations[c.target],
              reservation.expires > now
        else { return .failure(.unknownCircuit) }
        let destination: PeerAddress
        if source == c.requesterAddress {
            guard innerSender == c.requester.bytes else { return .failure(.wrongSender) }
            guard c.toTarget.take(length, now: now) else { return .failure(.circuitRate) }
            destination = reservation.address
        } else if source == reservation.address {
            guard innerSender == c.target.bytes else { return .failure(.wrongSender) }
            guard c.toRequester.take(length, now: now) else { return .failure(.circuitRate) }
            destination = c.requesterAddress
        } else {
            return .failure(.wrongSource)
        }
        circuits[id] = c
        guard total.take(length, now: now) else { return .failure(.relayRate) }
        framesForwarded += 1
        bytesForwarded += UInt64(length)
        return .success(destination)
    }

    /// Forgets lapsed reservations, the circuits that lapsed or lost their target's reservation,
    /// and finished connect windows.
    public mutating func expire(now: UInt64) {
        guard now >= sweepAt else { return }
        reservations = reservations.filter { $0.value.expires > now }
        circuits = circuits.filter { $0.value.expires > now && reservations[$0.value.target] != nil }
        circuitOfPair = circuitOfPair.filter { circuits[$0.value] != nil }
        connects = connects.filter { now < $0.value.since + bounds.connectWindowMillis }
        circuitsOfMember = [:]
        for circuit in circuits.values {
            circuitsOfMember[circuit.requester, default: 0] += 1
            circuitsOfMember[circuit.target, default: 0] += 1
        }
        let lapses = reservations.values.map(\.expires) + circuits.values.map(\.expires)
        sweepAt = lapses.min().map { max($0, now + bounds.connectWindowMillis) } ?? .max
    }
}
