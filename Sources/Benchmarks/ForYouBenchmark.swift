import CatalogStore
import ElapsedTime
import Foundation
import Recommenders
import SeededRandom

/// The "For you" carousel's cost at the catalogue's scale: WRMF's stored item factors are loaded as the server
/// loads them, then visitors with 1, 5 and 20 liked models (drawn, seeded, among models that have factors) are
/// folded in one after another, each timed alone: p50, p99 and the worst, in milliseconds.
public struct ForYouBenchmark: Sendable {
    public var visitors: Int
    public var likeCounts: [Int]
    public var suggestions: Int
    public var seed: UInt64

    public init(visitors: Int = 2000, likeCounts: [Int] = [1, 5, 20], suggestions: Int = 12, seed: UInt64 = 42) {
        self.visitors = visitors
        self.likeCounts = likeCounts
        self.suggestions = suggestions
        self.seed = seed
    }

    public struct NoFactorsError: Error, CustomStringConvertible {
        public var description: String { "the catalogue holds no WRMF factors: run `recasketch train --algorithms wrmf` first" }
    }

    public func run(store: CatalogStore, progress: (String) -> Void) throws {
        let clock = ContinuousClock()
        let loadStart = clock.now
        guard let stored = try store.publishedCatalog().foldIn else { throw NoFactorsError() }
        let recommender = FoldInRecommender(vectors: stored.vectors, factors: stored.factors, known: stored.known,
                                            regularization: stored.regularization, alpha: stored.alpha)
        let candidates = stored.known.indices.filter { stored.known[$0] }
        progress(String(format: "fold-in: %d models (%d with factors), %d factors, loaded and YᵀY summed in %.2f s",
                        stored.known.count, candidates.count, stored.factors, (clock.now - loadStart).inSeconds))
        var random = SeededGenerator(seed: seed)
        for likes in likeCounts {
            var timings: [Double] = []
            timings.reserveCapacity(visitors)
            var returned = 0
            for _ in 0..<visitors {
                let liked = (0..<likes).map { _ in candidates[Int(random.next() % UInt64(candidates.count))] }
                let start = clock.now
                let answer = recommender.recommend(liked: liked, count: suggestions)
                timings.append((clock.now - start).inSeconds * 1000)
                returned += answer.count
            }
            timings.sort()
            func percentile(_ share: Double) -> Double { timings[min(timings.count - 1, Int(Double(timings.count) * share))] }
            progress(String(format: "%2d liked: p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d visitors (%.1f suggestions each)",
                            likes, percentile(0.5), percentile(0.99), timings.last ?? 0, visitors, Double(returned) / Double(visitors)))
        }
    }
}
