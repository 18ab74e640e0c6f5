import GrapevineCore

/// What merging needs to know about an entry: built from a verified entry, or restored from a
/// stored row without re-verifying its signature.
public struct EntryMeta: Sendable, Hashable, CustomStringConvertible {
    public let id: EntryID
    public let author: PublicIdentity
    public let kind: EntryKind
    /// The bytes that decide which entries compete for last-writer-wins (`SignedEntry.replacementKey`).
    public let replacementKey: [UInt8]
    public let stamp: HLCStamp

    public init(_ entry: SignedEntry) {
        self.init(id: entry.id, author: entry.author, kind: entry.kind,
                  replacementKey: entry.replacementKey, stamp: entry.stamp)
    }

    public init(id: EntryID, author: PublicIdentity, kind: EntryKind, replacementKey: [UInt8], stamp: HLCStamp) {
        self.id = id
        self.author = author
        self.kind = kind
        self.replacementKey = replacementKey
        self.stamp = stamp
    }

    public var description: String { "\(kind.name)/\(stamp)/\(id.hex.prefix(12))" }

    /// Why a meta no verified entry could have produced must be refused, or nil when it is well
    /// formed. A verified entry always passes; a damaged stored row may not.
    var fault: RejectionReason? {
        let keyLength = replacementKey.count
        switch kind {
        case .card:
            guard (1...Limits.maxTokenLength).contains(keyLength) else { return .keyMismatch }
        case .endpoint:
            guard keyLength == 0 else { return .keyMismatch }
        case .edge, .introductionResponse, .grant:
            guard keyLength == EntryID.length else { return .keyMismatch }
        case .introduction:
            guard replacementKey == id.bytes else { return .keyMismatch }
        default:
            guard keyLength <= Limits.maxUnknownKeyLength else { return .invalidField }
        }
        return nil
    }
}
