import ParallelWork
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1))) struct ParallelTests {
    /// Every index is handed out exactly once, whatever the split.
    @Test(arguments: [(0, 2), (1, 4), (7, 2), (1000, 3), (1001, 8)])
    func sharesAndChunksCoverEveryIndexOnce(count: Int, workers: Int) {
        let seenByShare = Mutex([Int](repeating: 0, count: count))
        Parallel.forEachShare(of: count, workers: workers) { range, worker in
            #expect(range == Parallel.share(worker, of: workers, count: count), "a worker's share depends on nothing else")
            seenByShare.withLock { for index in range { $0[index] += 1 } }
        }
        #expect(seenByShare.withLock { $0 }.allSatisfy { $0 == 1 })
        let seenByChunk = Mutex([Int](repeating: 0, count: count))
        Parallel.forEachChunk(of: count, chunk: 16, workers: workers) { range, worker in
            #expect((0..<workers).contains(worker))
            seenByChunk.withLock { for index in range { $0[index] += 1 } }
        }
        #expect(seenByChunk.withLock { $0 }.allSatisfy { $0 == 1 })
    }

    @Test func mapSharesKeepsWorkerOrderAndRethrows() throws {
        let sums = try Parallel.mapShares(of: 100, workers: 4) { range in range.reduce(0, +) }
        #expect(sums.count == 4)
        #expect(sums.reduce(0, +) == 4950)
        #expect(sums == (0..<4).map { Parallel.share($0, of: 4, count: 100).reduce(0, +) })
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            _ = try Parallel.mapShares(of: 10, workers: 2) { range -> Int in
                if range.contains(7) { throw Failure() }
                return 0
            }
        }
    }
}
