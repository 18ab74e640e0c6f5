import FaultHarness
import Foundation
import TestKit
import Testing

/// The NAT lab's routers behave as RFC 4787 describes, checked with plain UDP (python3's socket
/// module) before any node runs in them.
@Suite(.serialized, .enabled(if: Lab.unavailableReason == nil && Command.find("python3") != nil,
                             Comment(rawValue: Lab.unavailableReason ?? "python3 is not installed")))
struct NATLabTests {
    /// Echoes every datagram back and prints its source, for `seconds`.
    static let echo = """
        import socket, sys, time
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 7474)); s.settimeout(0.2)
        end = time.time() + float(sys.argv[1])
        while time.time() < end:
            try:
                data, source = s.recvfrom(2048)
            except socket.timeout:
                continue
            print("%s:%d" % source, flush=True); s.sendto(data, source)
        """

    /// Sends one datagram from the port given first to port 7474 of each address after it, and
    /// prints which were answered.
    static let probe = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", int(sys.argv[1]))); s.settimeout(1.0)
        for target in sys.argv[2:]:
            s.sendto(b"hello", (target, 7474))
            try:
                s.recvfrom(2048); print("answered " + target, flush=True)
            except socket.timeout:
                print("silent " + target, flush=True)
        """

    @Test func eachHomeShowsOneWANPortToBothPublicHostsAndGetsOnlyReplies() throws {
        let topology = NATTopology()
        let lab = try topology.build()
        defer { lab.teardown() }
        let python = try #require(Command.find("python3"))
        let root = try TemporaryDirectory.create("natlab")
        var servers: [(Process, String)] = []
        for host in topology.publics {
            let log = root + "/echo\(host.host).log"
            servers.append((try lab.spawn(host: host.host, python, ["-c", Self.echo, "8"], log: log), log))
        }
        Thread.sleep(forTimeInterval: 0.5)
        for home in topology.homes {
            let output = try lab.run(host: home.host, python, ["-c", Self.probe, "7474"] + topology.publics.map(\.address))
            #expect(output.stdout.components(separatedBy: "answered").count - 1 == topology.publics.count,
                    "home \(home.host) got no echo: \(output.stdout) \(output.stderr)")
        }
        for (server, _) in servers { server.waitUntilExit() }
        // A public host writing to a home's WAN port from a port the home never wrote to is
        // dropped by the router's filter (address-and-port-dependent filtering).
        let homeServer = try lab.spawn(host: 3, python, ["-c", Self.echo, "3"], log: root + "/echo3.log")
        Thread.sleep(forTimeInterval: 0.3)
        let unasked = try lab.run(host: 1, python, ["-c", Self.probe, "9999", "198.18.0.23"])
        #expect(unasked.stdout.contains("silent"), "an unasked datagram reached home 3: \(unasked.stdout)")
        homeServer.waitUntilExit()
        let seen = servers.map { (_, log) in
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        for home in topology.homes {
            let wan = try #require(topology.wanAddress(of: home.host))
            for (index, sources) in seen.enumerated() {
                #expect(sources.contains(wan), "public host \(index + 1) did not see home \(home.host) at \(wan): \(sources)")
            }
        }
    }
}
