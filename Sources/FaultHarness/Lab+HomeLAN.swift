import Foundation
import TestKit

/// A home LAN for the discovery scenarios: one router on a LAN switch, so several homes share a
/// subnet as behind a real home router (the NAT lab gives each home a LAN of its own).
extension Lab {
    /// Adds router `router` with `wan` on the internet bridge (masquerading), and a LAN switch (a
    /// bridge in a namespace of its own, which filters nothing) joining the router at
    /// 198.19.`lan`.1/24 and each of `homes` at 198.19.`lan`.HOST. The router counts what would be
    /// hairpin traffic: datagrams from the LAN to its own WAN address, and datagrams it routes
    /// from the LAN back into the LAN.
    public func addHomeLAN(router: Int, wan: String, lan: Int, homes: [Int]) throws {
        let routerNamespace = routerNamespace(router)
        try addNamespace(routerNamespace)
        try plugIntoBridge(routerNamespace, device: "wan0", port: "r\(router)", address: wan)
        try Command.ok(ip, ["netns", "exec", routerNamespace, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])
        let switchNamespace = "\(name)-s\(router)"
        try addNamespace(switchNamespace)
        try Command.ok(ip, ["-n", switchNamespace, "link", "add", "br0", "type", "bridge"])
        try Command.ok(ip, ["-n", switchNamespace, "link", "set", "br0", "up"])
        for host in homes { try addNamespace(namespace(host)) }
        let gateway = "198.19.\(lan).1"
        let members = [(routerNamespace, "lan0", "r", gateway)]
            + homes.map { (namespace($0), "eth0", "h\($0)", "198.19.\(lan).\($0)") }
        for (namespace, device, port, address) in members {
            try Command.ok(ip, ["link", "add", device, "netns", namespace, "type", "veth", "peer", "name", port,
                                "netns", switchNamespace])
            try Command.ok(ip, ["-n", switchNamespace, "link", "set", port, "master", "br0"])
            try Command.ok(ip, ["-n", switchNamespace, "link", "set", port, "up"])
            try Command.ok(ip, ["-n", namespace, "addr", "add", address + "/24", "dev", device])
            try Command.ok(ip, ["-n", namespace, "link", "set", device, "up"])
        }
        for host in homes {
            try Command.ok(ip, ["-n", namespace(host), "route", "add", "default", "via", gateway])
            placed[host] = "198.19.\(lan).\(host)"
        }
        try nftables(routerNamespace, """
            table ip gvlan {
              counter hairpin {}
              counter to_internet {}
              chain input_f {
                type filter hook input priority filter; policy accept;
                iifname "lan0" ip daddr \(wan) counter name hairpin
                iifname "wan0" ct state new drop
              }
              chain forward_f {
                type filter hook forward priority filter; policy drop;
                iifname "lan0" oifname "lan0" counter name hairpin
                iifname "lan0" oifname "wan0" counter name to_internet accept
                ct state established,related accept
              }
              chain post {
                type nat hook postrouting priority srcnat; policy accept;
                oifname "wan0" masquerade
              }
            }

            """)
    }

    /// The hairpin datagrams a home LAN's router has seen, and those it sent on to the internet.
    public func homeLANCounters(router: Int) throws -> (hairpin: Int, toInternet: Int) {
        let namespace = routerNamespace(router)
        return (try counter(namespace, "ip", "gvlan", "hairpin").packets,
                try counter(namespace, "ip", "gvlan", "to_internet").packets)
    }

    /// Sends UDP datagrams, one per line of hex in `file`, from `host` to the discovery group
    /// 239.255.74.74:7475 on its eth0, from each of `sources` in turn, at about `rate` a second
    /// (python3 in the host's namespace, so nothing leaves the lab).
    public func multicast(host: Int, file: String, sources: [String], rate: Int) throws -> ProcessOutput {
        let script = """
            import socket, sys, time
            lines = [bytes.fromhex(l.strip()) for l in open(sys.argv[1]) if l.strip()]
            socks = []
            for source in sys.argv[2].split(","):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
                s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(source))
                s.bind((source, 0))
                socks.append(s)
            start = time.monotonic()
            for i, data in enumerate(lines):
                socks[i % len(socks)].sendto(data, ("239.255.74.74", 7475))
                ahead = start + (i + 1) / float(sys.argv[3]) - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            print(len(lines))
            """
        guard let python = Command.find("python3") else { throw HarnessError("python3 is not installed: run `make deps`") }
        return try run(host: host, python, ["-c", script, file, sources.joined(separator: ","), "\(rate)"])
    }
}
