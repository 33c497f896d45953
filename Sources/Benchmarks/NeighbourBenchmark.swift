import CatalogStore
import ElapsedTime
import Foundation
import Recommenders
import SeededRandom

/// The all-items top-N at a chosen scale: the approximate graph's time and its recall@N against exact lists on a
/// sample, beside the exact product's time (measured whole up to `exactUpTo` items, else extrapolated from the
/// sample, since it grows as items²). Vectors are WRMF's stored item factors (`--db`), or a seeded mixture of
/// Gaussian clusters shaped like them.
public struct NeighbourBenchmark: Sendable {
    public var items: Int
    public var dimensions: Int
    public var neighbours: Int
    public var threads: Int
    public var seed: UInt64
    public var exactUpTo: Int
    /// The graph's degree while building (nil: `SimilarItemsSearch`'s default).
    public var degree: Int?

    public init(items: Int = 100_000, dimensions: Int = 64, neighbours: Int = 12, threads: Int = 2, seed: UInt64 = 42,
                exactUpTo: Int = 100_000, degree: Int? = nil) {
        self.degree = degree
        self.items = items
        self.dimensions = dimensions
        self.neighbours = neighbours
        self.threads = threads
        self.seed = seed
        self.exactUpTo = exactUpTo
    }

    /// Vectors of `items` rows drawn around `items / 30` seeded centres (so near neighbours exist, as in factors).
    public func clusteredVectors() -> FactorMatrix {
        let matrix = FactorMatrix(rows: items, columns: dimensions)
        let centreCount = max(1, items / 30)
        let centres = FactorMatrix(rows: centreCount, columns: dimensions)
        centres.randomiseNormal(seed: seed, stream: 1, deviation: 1)
        var random = SeededGenerator(seed: seed, stream: 2)
        let noise = FactorMatrix(rows: items, columns: dimensions)
        noise.randomiseNormal(seed: seed, stream: 3, deviation: 0.6)
        for row in 0..<items {
            let centre = centres.row(random.below(centreCount)), target = matrix.row(row), jitter = noise.row(row)
            for k in 0..<dimensions { target[k] = centre[k] + jitter[k] }
        }
        return matrix
    }

    public func run(vectors: FactorMatrix, eligible: [Bool]? = nil, progress: (String) -> Void) {
        let clock = ContinuousClock()
        var search = SimilarItemsSearch(method: .approximate, neighbours: neighbours, threads: threads, seed: seed)
        if let degree { (search.graph.degree, search.graph.maxCandidates) = (degree, degree) }
        progress("graph degree \(search.graph.degree), \(search.graph.trees) trees")
        let start = clock.now
        let approximate = search.similarItems(vectors, eligible: eligible) { progress($0) }
        let approximateSeconds = (clock.now - start).inSeconds
        let rows = eligible.map { $0.filter { $0 }.count } ?? vectors.rows
        progress(String(format: "approximate: %d items × %d dimensions, top %d in %.2f s; %@", rows, vectors.columns,
                        neighbours, approximateSeconds, approximate.summary(neighbours: neighbours)))
        if rows <= exactUpTo {
            search.method = .exact
            let exactStart = clock.now
            _ = search.similarItems(vectors, eligible: eligible)
            let exactSeconds = (clock.now - exactStart).inSeconds
            progress(String(format: "exact: %.2f s; approximate/exact time %.2f", exactSeconds, approximateSeconds / exactSeconds))
        } else {
            // The sample's exact search is a fixed share of the whole: time 1,000 queries and scale.
            let sample = 1_000
            let queries = FactorMatrix(rows: sample, columns: vectors.columns)
            for row in 0..<sample { queries.row(row).update(from: vectors.row(row), count: vectors.stride) }
            let exactStart = clock.now
            _ = FactorSimilarity(neighbours: neighbours, threads: threads).nearest(queries: queries, candidates: vectors, excludeSameIndex: false)
            let estimate = (clock.now - exactStart).inSeconds * Double(rows) / Double(sample)
            progress(String(format: "exact (extrapolated from %d queries): %.0f s; approximate/exact time %.3f", sample, estimate,
                            approximateSeconds / estimate))
        }
    }

    public func run(store: CatalogStore, progress: (String) -> Void) throws {
        guard let stored = try store.publishedCatalog().foldIn else { throw ForYouBenchmark.NoFactorsError() }
        let rows = stored.known.count
        let matrix = FactorMatrix(rows: rows, columns: stored.factors)
        for row in 0..<rows {
            let target = matrix.row(row)
            for k in 0..<stored.factors { target[k] = stored.vectors[row * stored.factors + k] }
        }
        progress("WRMF item factors: \(rows) models, \(stored.known.filter { $0 }.count) with factors")
        run(vectors: matrix, eligible: stored.known, progress: progress)
    }
}
