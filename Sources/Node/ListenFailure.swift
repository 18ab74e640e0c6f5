import Foundation
import NIOCore

/// Why a node could not open its socket, in words a person can act on: the CLI turns a failed
/// bind into one error line instead of NIO's error description.
public enum ListenFailure {
    /// The reason `error` gives for not listening, or nil if it is not a socket-setup error.
    public static func reason(_ error: any Error) -> String? {
        if error is SocketAddressError.UnknownHost {
            return "no such host; give an IP address such as 127.0.0.1 or [::]"
        }
        if error is SocketAddressError {
            return "not an address a node can listen on; give an IP address such as 127.0.0.1 or [::]"
        }
        guard let error = error as? IOError else { return nil }
        switch error.errnoCode {
        case EADDRINUSE:
            return "the port is in use, maybe by another node; choose another port, or 0 for any free one"
        case EADDRNOTAVAIL:
            return "the address is not one of this machine's; listen on 0.0.0.0, [::] or a local address"
        case EACCES:
            return "permission denied; choose a port above 1023"
        case EAFNOSUPPORT:
            return "this machine has no IPv6; listen on an IPv4 address such as 0.0.0.0"
        default:
            return nil
        }
    }
}
