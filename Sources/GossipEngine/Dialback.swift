import Foundation
import GrapevineCore
import GrapevineWire

/// "Have one of these members ping me where you see me" (PROTOCOL.md §11.7): a node not yet
/// confirmed reachable names members it has not sent to within the confirmation window.
public struct DialbackRequest: Sendable, Equatable {
    /// 1 to `maxCandidates` members, in the requester's order of preference.
    public var candidates: [PublicIdentity]

    public static let maxCandidates = 4

    public init(candidates: [PublicIdentity]) {
        self.candidates = candidates
    }

    var wire: Grapevine_V1_DialbackRequest {
        .with { $0.candidates = Data(candidates.flatMap(\.bytes)) }
    }

    init(wire: Grapevine_V1_DialbackRequest) throws(GossipDecodeError) {
        let bytes = [UInt8](wire.candidates)
        let length = MemberUpdate.keyLength
        guard !bytes.isEmpty, bytes.count % length == 0, bytes.count / length <= Self.maxCandidates else {
            throw GossipDecodeError(.invalidField, "dial-back request of \(bytes.count) bytes is not 1 to \(Self.maxCandidates) keys")
        }
        candidates = stride(from: 0, to: bytes.count, by: length).compactMap { PublicIdentity(bytes: Array(bytes[$0..<$0 + length])) }
    }
}

/// From the helper to a candidate: send `peer` one bare ping at `target`, the address the helper
/// saw the request come from (PROTOCOL.md §11.7).
public struct Dialback: Sendable, Equatable {
    public var peer: PublicIdentity
    public var target: PeerAddress

    public init(peer: PublicIdentity, target: PeerAddress) {
        self.peer = peer
        self.target = target
    }

    var wire: Grapevine_V1_Dialback {
        .with {
            $0.peer = Data(peer.bytes)
            $0.target = .with { $0.ip = Data(target.ip); $0.port = UInt32(target.port) }
        }
    }

    init(wire: Grapevine_V1_Dialback) throws(GossipDecodeError) {
        guard let peer = PublicIdentity(bytes: [UInt8](wire.peer)) else {
            throw GossipDecodeError(.invalidField, "dial-back peer is not a 32-byte key")
        }
        let target = wire.target
        guard wire.hasTarget, target.ip.count == 4 || target.ip.count == 16, (1...65535).contains(target.port) else {
            throw GossipDecodeError(.invalidField, "dial-back target is not 4 or 16 bytes with a port 1–65535")
        }
        self.peer = peer
        self.target = PeerAddress(ip: [UInt8](target.ip), port: UInt16(target.port))
    }
}
