import Dispatch
import Synchronization

/// The project's one way to spread work over the cores. Two splits:
/// - shares: `0..<count` cut into one contiguous range per worker, the cut a function of `count` and `workers`
///   alone, so work seeded per worker (or per range) gives the same result on every run;
/// - chunks: ranges of `chunk` items handed out in order to whichever worker is free, for work of uneven cost.
/// The body receives the worker's number too, for scratch memory of its own.
public enum Parallel {
    /// The range `worker` of `workers` gets out of `0..<count`.
    public static func share(_ worker: Int, of workers: Int, count: Int) -> Range<Int> {
        (worker * count / workers)..<((worker + 1) * count / workers)
    }

    /// Runs `body(range, worker)` once per worker, each over its contiguous share of `0..<count`.
    public static func forEachShare(of count: Int, workers: Int, _ body: @Sendable (Range<Int>, Int) -> Void) {
        let workers = max(1, workers)
        if workers == 1 { body(0..<count, 0); return }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            body(share(worker, of: workers, count: count), worker)
        }
    }

    /// Each worker's result over its share, in worker order; the first error thrown is rethrown after all finish.
    public static func mapShares<Result: Sendable>(of count: Int, workers: Int,
                                                  _ body: @Sendable (Range<Int>) throws -> Result) throws -> [Result] {
        let workers = max(1, workers)
        let results = Mutex([Result?](repeating: nil, count: workers))
        let failure = Mutex<(any Error)?>(nil)
        forEachShare(of: count, workers: workers) { range, worker in
            do {
                let result = try body(range)
                results.withLock { $0[worker] = result }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { $0.map { $0! } }
    }

    /// Each worker's result over its share, in worker order, for work that cannot fail.
    public static func collectShares<Result: Sendable>(of count: Int, workers: Int,
                                                      _ body: @Sendable (Range<Int>) -> Result) -> [Result] {
        let workers = max(1, workers)
        let results = Mutex([Result?](repeating: nil, count: workers))
        forEachShare(of: count, workers: workers) { range, worker in
            let result = body(range)
            results.withLock { $0[worker] = result }
        }
        return results.withLock { $0.map { $0! } }
    }

    /// Runs `body(range, worker)` over `0..<count` in ranges of `chunk`, on at most `workers` threads.
    public static func forEachChunk(of count: Int, chunk: Int, workers: Int, _ body: @Sendable (Range<Int>, Int) -> Void) {
        guard count > 0 else { return }
        let chunk = max(1, chunk)
        let workers = max(1, min(workers, (count + chunk - 1) / chunk))
        if workers == 1 { body(0..<count, 0); return }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let start = next.add(chunk, ordering: .relaxed).oldValue
                if start >= count { return }
                body(start..<min(count, start + chunk), worker)
            }
        }
    }
}
