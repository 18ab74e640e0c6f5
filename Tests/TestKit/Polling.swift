import Foundation

/// Waiting for what other processes will show (a status file, a converged store): every harness
/// polls the same way, so a timeout means the same thing in every test.
public protocol Polling {}

extension Polling {
    /// Checks `condition` every `interval` seconds until it holds, checking once more when
    /// `timeout` has passed; the seconds it took, or nil if it never held.
    public func waitUntil(timeout: TimeInterval, every interval: TimeInterval = 0.1,
                          _ condition: () throws -> Bool) rethrows -> TimeInterval? {
        let start = Date()
        while true {
            if try condition() { return Date().timeIntervalSince(start) }
            if Date().timeIntervalSince(start) >= timeout { return nil }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
