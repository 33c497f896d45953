import Dispatch
import Synchronization

/// Runs `body` over `0..<count` in chunks on `threads` workers. Each index is handled exactly once; callers keep
/// results independent of which worker ran them, so output does not depend on scheduling.
enum ParallelRows {
    static func forEach(count: Int, threads: Int, chunk: Int = 256,
                        _ body: @Sendable (Range<Int>, Int) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, (count + chunk - 1) / chunk))
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
