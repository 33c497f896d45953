import Foundation

/// Thrown by `waitUntil` when the condition did not hold in time: says what the test waited for.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public var what: String
    public var timeout: Duration
    public var description: String { "gave up after \(timeout) waiting for \(what)" }
}

/// Polls `condition` until it holds, or throws `WaitTimedOut` naming `what` after `timeout`, so a test that waits
/// for a server, a count or a service fails with a reason instead of hanging.
public func waitUntil(_ what: String, timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(5),
                      _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimedOut(what: what, timeout: timeout) }
        try await Task.sleep(for: interval)
    }
}
