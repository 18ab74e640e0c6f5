import GrapevineCore

/// What to check when a peer does not answer at the addresses its invite gives: shared by
/// `status` and `peer add`, which both report such a peer.
public enum UnreachableHint {
    /// The hint for peers tried at `addresses` (`host:port` or `[v6]:port`).
    public static func text(for addresses: [String]) -> String {
        let base = "check the address and port in the invite, that the peer's node runs, "
            + "and that no firewall drops UDP to that port"
        guard addresses.contains(where: isPrivate) else { return base }
        return base + "; a private address (10.x, 172.16-31.x, 192.168.x, fc00::/7) is reachable only "
            + "from the peer's own network, so behind NAT the peer must advertise a public address (run --advertise)"
    }

    /// Whether `address` is in a private (RFC 1918, RFC 4193) range.
    static func isPrivate(_ address: String) -> Bool {
        let host: Substring
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            host = address[address.index(after: address.startIndex)..<close]
        } else {
            host = address.split(separator: ":").first ?? Substring(address)
        }
        guard let ip = IPText.parse(String(host)) else { return false }
        if ip.count == 16 { return ip[0] & 0xfe == 0xfc }
        return ip[0] == 10 || (ip[0] == 172 && ip[1] & 0xf0 == 16) || (ip[0] == 192 && ip[1] == 168)
    }
}
