import Foundation
import GrapevineCore
import GrapevineWire
import SwiftProtobuf

/// A membership update as carried in messages (PROTOCOL.md §11.4).
public struct MemberUpdate: Sendable, Equatable {
    public var member: PublicIdentity
    public var status: MemberStatus
    public var incarnation: UInt64
    /// For `suspect`: who suspects, so confirmations from distinct nodes can be counted.
    public var reporter: PublicIdentity?

    static let keyLength = 32

    public init(member: PublicIdentity, status: MemberStatus, incarnation: UInt64, reporter: PublicIdentity? = nil) {
        self.member = member
        self.status = status
        self.incarnation = incarnation
        self.reporter = reporter
    }

    /// The fewest bytes an update can add: member, state and field headers, no incarnation or reporter.
    static let smallestEncodedSize = 2 + 2 + keyLength + 2

    /// The bytes this update adds to a `GossipMessage`, tag and length included.
    var encodedSize: Int {
        var inner = 2 + Self.keyLength + 2
        if incarnation != 0 { inner += 1 + Varint.size(incarnation) }
        if reporter != nil { inner += 2 + Self.keyLength }
        return 1 + Varint.size(UInt64(inner)) + inner
    }
}

/// One datagram's plaintext payload, decoded and checked: the frames of PROTOCOL.md §11.3.
public struct GossipMessage: Sendable, Equatable {
    /// The largest payload accepted; a UDP datagram cannot be larger.
    public static let maxPayloadSize = 65507

    public var version = GossipConfig.protocolVersion
    public var capabilities = GossipConfig.capabilities
    public var ping: UInt64?
    public var ack: UInt64?
    public var nack: UInt64?
    public var pingRequest: (sequence: UInt64, target: PublicIdentity)?
    public var members: [MemberUpdate] = []
    public var entries: [[UInt8]] = []
    public var reconcile: ReconcileFrame?
    public var request: [EntryID] = []
    /// With an ack: the source address the ping came from (PROTOCOL.md §11.7).
    public var observed: PeerAddress?
    public var punchRequest: PunchRequest?
    public var punch: Punch?
    /// Reserving at a relay and opening circuits through it (PROTOCOL.md §11.9.2).
    public var relay: RelayControl?
    /// Asking for, and passing on, a dial-back that confirms reachability (PROTOCOL.md §11.7).
    public var dialbackRequest: DialbackRequest?
    public var dialback: Dialback?

    public init() {}

    /// Whether the message has no frame at all (it is then not sent).
    var isEmpty: Bool {
        ping == nil && ack == nil && nack == nil && pingRequest == nil && members.isEmpty && entries.isEmpty
            && reconcile == nil && request.isEmpty && punchRequest == nil && punch == nil
            && relay == nil && dialbackRequest == nil && dialback == nil
    }

    public static func == (lhs: GossipMessage, rhs: GossipMessage) -> Bool {
        lhs.version == rhs.version && lhs.capabilities == rhs.capabilities && lhs.ping == rhs.ping
            && lhs.ack == rhs.ack && lhs.nack == rhs.nack
            && lhs.pingRequest?.sequence == rhs.pingRequest?.sequence && lhs.pingRequest?.target == rhs.pingRequest?.target
            && lhs.members == rhs.members && lhs.entries == rhs.entries && lhs.reconcile == rhs.reconcile
            && lhs.request == rhs.request && lhs.observed == rhs.observed && lhs.punchRequest == rhs.punchRequest
            && lhs.punch == rhs.punch && lhs.relay == rhs.relay
            && lhs.dialbackRequest == rhs.dialbackRequest && lhs.dialback == rhs.dialback
    }

    /// The bytes an entry adds to a message, tag and length included.
    static func entrySize(_ entry: [UInt8]) -> Int { 1 + Varint.size(UInt64(entry.count)) + entry.count }

    public func encoded() -> [UInt8] {
        var m = Grapevine_V1_GossipMessage()
        m.version = version
        m.capabilities = capabilities
        if let ping { m.ping = .with { $0.sequence = ping } }
        if let ack {
            m.ack = .with {
                $0.sequence = ack
                if let observed { $0.observed = .with { $0.ip = Data(observed.ip); $0.port = UInt32(observed.port) } }
            }
        }
        if let punchRequest {
            m.punchRequest = .with {
                $0.target = Data(punchRequest.target.bytes)
                $0.endpoint = Data(punchRequest.endpoint)
            }
        }
        if let punch {
            m.punch = .with {
                $0.peer = Data(punch.peer.bytes)
                $0.endpoint = Data(punch.endpoint)
                $0.delayMs = punch.delayMillis
            }
        }
        if let relay { m.relay = relay.wire }
        if let dialbackRequest { m.dialbackRequest = dialbackRequest.wire }
        if let dialback { m.dialback = dialback.wire }
        if let nack { m.nack = .with { $0.sequence = nack } }
        if let pingRequest {
            m.pingRequest = .with {
                $0.sequence = pingRequest.sequence
                $0.target = Data(pingRequest.target.bytes)
            }
        }
        m.members = members.map { update in
            .with {
                $0.member = Data(update.member.bytes)
                $0.state = update.status.rawValue
                $0.incarnation = update.incarnation
                if let reporter = update.reporter { $0.reporter = Data(reporter.bytes) }
            }
        }
        m.entries = entries.map { Data($0) }
        if let frame = reconcile {
            m.reconcile = .with {
                $0.session = frame.session
                $0.round = frame.round
                $0.lowerStamp = frame.lower.stamp
                $0.lowerID = Data(frame.lower.prefix)
                $0.ranges = Data(frame.encodedRanges())
            }
        }
        if !request.isEmpty {
            var ids = [UInt8]()
            ids.reserveCapacity(request.count * EntryID.length)
            for id in request { ids.append(contentsOf: id.bytes) }
            m.request = .with { $0.ids = Data(ids) }
        }
        // Encoding a message built from checked values cannot fail; an empty payload is refused by peers.
        return (try? m.serializedBytes()) ?? []
    }

    /// The `version` a payload states, if it is a `GossipMessage` with one: how a node learns which
    /// version a peer speaks from an authenticated datagram it will not act on.
    public static func statedVersion(_ bytes: [UInt8]) -> UInt32? {
        guard bytes.count <= maxPayloadSize,
              let m = try? Grapevine_V1_GossipMessage(serializedBytes: bytes), m.version != 0 else { return nil }
        return m.version
    }

    /// Decodes a payload. Fields this version does not know are ignored, so frames can grow; a
    /// version of 0 (absent) is malformed, and any version but this engine's is refused before
    /// anything else in the payload is looked at (PROTOCOL.md §11.2).
    public static func decode(_ bytes: [UInt8]) throws(GossipDecodeError) -> GossipMessage {
        guard bytes.count <= maxPayloadSize else { throw GossipDecodeError(.oversize, "\(bytes.count) bytes") }
        let m: Grapevine_V1_GossipMessage
        do {
            m = try Grapevine_V1_GossipMessage(serializedBytes: bytes)
        } catch {
            throw GossipDecodeError(.malformed, "not a GossipMessage: \(error)")
        }
        guard m.version != 0 else { throw GossipDecodeError(.malformed, "no version") }
        guard m.version == GossipConfig.protocolVersion else {
            let code: GossipDecodeError.Code = m.version < GossipConfig.protocolVersion ? .oldVersion : .newerVersion
            throw GossipDecodeError(code, "version \(m.version)", spokenVersion: m.version)
        }
        var out = GossipMessage()
        out.version = m.version
        out.capabilities = m.capabilities
        if m.hasPing { out.ping = m.ping.sequence }
        if m.hasAck {
            out.ack = m.ack.sequence
            if m.ack.hasObserved {
                let observed = m.ack.observed
                guard observed.ip.count == 4 || observed.ip.count == 16, (1...65535).contains(observed.port) else {
                    throw GossipDecodeError(.invalidField, "observed address is not 4 or 16 bytes with a port 1–65535")
                }
                out.observed = PeerAddress(ip: [UInt8](observed.ip), port: UInt16(observed.port))
            }
        }
        if m.hasPunchRequest {
            guard let target = PublicIdentity(bytes: [UInt8](m.punchRequest.target)) else {
                throw GossipDecodeError(.invalidField, "punch-request target is not a 32-byte key")
            }
            guard m.punchRequest.endpoint.count <= Limits.maxEntrySize else {
                throw GossipDecodeError(.invalidField, "punch-request endpoint of \(m.punchRequest.endpoint.count) bytes")
            }
            out.punchRequest = PunchRequest(target: target, endpoint: [UInt8](m.punchRequest.endpoint))
        }
        if m.hasPunch {
            guard let peer = PublicIdentity(bytes: [UInt8](m.punch.peer)) else {
                throw GossipDecodeError(.invalidField, "punch peer is not a 32-byte key")
            }
            guard m.punch.endpoint.count <= Limits.maxEntrySize else {
                throw GossipDecodeError(.invalidField, "punch endpoint of \(m.punch.endpoint.count) bytes")
            }
            out.punch = Punch(peer: peer, endpoint: [UInt8](m.punch.endpoint), delayMillis: m.punch.delayMs)
        }
        if m.hasRelay { out.relay = try RelayControl(wire: m.relay) }
        if m.hasDialbackRequest { out.dialbackRequest = try DialbackRequest(wire: m.dialbackRequest) }
        if m.hasDialback { out.dialback = try Dialback(wire: m.dialback) }
        if m.hasNack { out.nack = m.nack.sequence }
        if m.hasPingRequest {
            guard let target = PublicIdentity(bytes: [UInt8](m.pingRequest.target)) else {
                throw GossipDecodeError(.invalidField, "ping-request target is not a 32-byte key")
            }
            out.pingRequest = (m.pingRequest.sequence, target)
        }
        for update in m.members {
            guard let member = PublicIdentity(bytes: [UInt8](update.member)) else {
                throw GossipDecodeError(.invalidField, "member is not a 32-byte key")
            }
            guard let status = MemberStatus(rawValue: update.state) else {
                throw GossipDecodeError(.invalidField, "member state \(update.state)")
            }
            var reporter: PublicIdentity?
            if !update.reporter.isEmpty {
                guard let key = PublicIdentity(bytes: [UInt8](update.reporter)) else {
                    throw GossipDecodeError(.invalidField, "reporter is not a 32-byte key")
                }
                reporter = key
            }
            out.members.append(MemberUpdate(member: member, status: status, incarnation: update.incarnation, reporter: reporter))
        }
        for entry in m.entries {
            guard entry.count <= Limits.maxEntrySize else {
                throw GossipDecodeError(.invalidField, "entry of \(entry.count) bytes")
            }
            out.entries.append([UInt8](entry))
        }
        if m.hasReconcile {
            let frame = m.reconcile
            guard frame.lowerID.count <= EntryID.length else {
                throw GossipDecodeError(.invalidRanges, "lower id prefix of \(frame.lowerID.count) bytes")
            }
            let lower = WireBound(stamp: frame.lowerStamp, prefix: [UInt8](frame.lowerID))
            let ranges = try ReconcileFrame.decodeRanges([UInt8](frame.ranges), lower: lower)
            out.reconcile = ReconcileFrame(session: frame.session, round: frame.round, lower: lower, ranges: ranges)
        }
        if m.hasRequest {
            let ids = [UInt8](m.request.ids)
            guard ids.count % EntryID.length == 0 else {
                throw GossipDecodeError(.invalidField, "request of \(ids.count) bytes is not whole ids")
            }
            for start in stride(from: 0, to: ids.count, by: EntryID.length) {
                if let id = EntryID(bytes: ids[start..<start + EntryID.length]) { out.request.append(id) }
            }
        }
        return out
    }
}

/// "Pass my endpoint to `target`, so we can both send at once" (PROTOCOL.md §11.8).
public struct PunchRequest: Sendable, Equatable {
    public var target: PublicIdentity
    /// The requester's own signed endpoint entry, encoded.
    public var endpoint: [UInt8]

    public init(target: PublicIdentity, endpoint: [UInt8]) {
        self.target = target
        self.endpoint = endpoint
    }
}

/// From the mutual member: probe `peer` after `delayMillis`; to a punch request's target it
/// carries the requester's endpoint entry, to the requester none.
public struct Punch: Sendable, Equatable {
    public var peer: PublicIdentity
    public var endpoint: [UInt8]
    public var delayMillis: UInt32

    public init(peer: PublicIdentity, endpoint: [UInt8] = [], delayMillis: UInt32) {
        self.peer = peer
        self.endpoint = endpoint
        self.delayMillis = delayMillis
    }
}
