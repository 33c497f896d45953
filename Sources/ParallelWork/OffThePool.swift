import Dispatch

/// Runs blocking work (reading a database, describing an image, writing files) on a Dispatch thread, never on the
/// threads that serve requests.
public func runOffThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
