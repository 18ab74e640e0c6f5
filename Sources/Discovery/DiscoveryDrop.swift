/// Why an announcement was dropped, as `status` counts it (PROTOCOL.md §17.3, in the order checked).
public enum DiscoveryDrop: String, Error, Sendable, CaseIterable, Codable {
    /// More announcements than the link's budget, or than one source's.
    case rateLimited = "rate-limited"
    case rateLimitedSource = "rate-limited-source"
    /// Not the announcement format, another version, or a length that does not add up.
    case malformed
    /// Sent more than the freshness window before or after this node's clock.
    case stale
    /// A nonce already seen within the window.
    case replayed
    /// The entry does not decode, or is not an endpoint entry.
    case notEndpoint = "not-endpoint"
    /// This node's own announcement, looped back by the link.
    case own
    /// The outer signature is not the entry author's.
    case badSignature = "bad-signature"
    /// The endpoint entry's own signature fails.
    case badEntrySignature = "bad-entry-signature"
}
