import SeededRandom

/// How the all-items top-N by cosine is computed: exactly (every pair, items² × dimensions) or through the
/// approximate neighbour graph (`NeighbourGraph`, about items × log items).
public enum NeighbourSearchMethod: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Exact up to `SimilarItemsSearch.approximateFrom` items, approximate above.
    case automatic = "auto"
    case exact
    case approximate

    public var description: String { rawValue }
}

/// Every item's most similar items by cosine of its vector, exactly or approximately, with the approximation's
/// recall measured against exact lists on a seeded sample of items.
public struct SimilarItemsSearch: Sendable {
    public var method: NeighbourSearchMethod
    public var neighbours: Int
    public var threads: Int
    public var seed: UInt64
    /// Items from which `automatic` goes approximate. Exact at 64 dimensions took 3.4 s at 28,806 items and 24.9 s at
    /// 100,000 on this machine kind, where the graph took 5.6 s (docs/scaling.md); it grows as items².
    public var approximateFrom: Int
    /// Items whose exact lists the approximate ones are checked against.
    public var recallSample: Int
    public var graph: NeighbourGraph

    public static let defaultApproximateFrom = 60_000
    /// Longer lists than this are always exact under `automatic`: the graph's memory grows with its degree.
    public static let maxApproximateNeighbours = 100

    public init(method: NeighbourSearchMethod = .automatic, neighbours: Int, threads: Int = 2, seed: UInt64 = 42,
                approximateFrom: Int = SimilarItemsSearch.defaultApproximateFrom, recallSample: Int = 1_000) {
        self.method = method
        self.neighbours = neighbours
        self.threads = max(1, threads)
        self.seed = seed
        self.approximateFrom = approximateFrom
        self.recallSample = recallSample
        // Degree 40: on the million-model catalogue's WRMF factors (hub-heavy) degree 24 found recall@12 0.895 in
        // 109 s and degree 40 found 0.968 in 186 s (`bench-neighbours --db … --degree N`).
        // Candidates per round stay at most 60 (PyNNDescent's cap), so a round's work does not grow as neighbours².
        let degree = max(40, (3 * neighbours + 1) / 2)
        graph = NeighbourGraph(degree: degree, threads: threads, seed: seed, maxCandidates: min(degree, 60))
    }

    public struct Outcome: Sendable {
        public var lists: [[Neighbour]]
        /// Nil for exact lists; else the mean share of the exact top-N the approximate lists found, over the sample.
        public var recall: Double?
        public var sampled: Int
        public var rounds: Int

        /// "exact", or "approximate (NN-descent, 8 rounds; recall@12 0.968 against exact on 1000 items)".
        public func summary(neighbours: Int) -> String {
            guard let recall else { return "exact" }
            return String(format: "approximate (NN-descent, %d rounds; recall@%d %.3f against exact on %d items)",
                          rounds, neighbours, recall, sampled)
        }
    }

    /// Lists for every row of `vectors`, over the rows `eligible` marks (all when nil): other rows get no list and
    /// are nobody's neighbour.
    public func similarItems(_ vectors: FactorMatrix, eligible: [Bool]? = nil,
                             progress: (String) -> Void = { _ in }) -> Outcome {
        let approximate: Bool
        switch method {
        case .exact: approximate = false
        case .approximate: approximate = true
        case .automatic:
            approximate = neighbours <= Self.maxApproximateNeighbours
                && (eligible?.lazy.filter { $0 }.count ?? vectors.rows) >= approximateFrom
        }
        // Either search runs over the eligible rows alone, packed together, so every eligible row gets its full list.
        let rows = eligible.map { mask in mask.indices.filter { mask[$0] } } ?? Array(0..<vectors.rows)
        let packed: FactorMatrix
        if rows.count == vectors.rows {
            packed = vectors
        } else {
            packed = FactorMatrix(rows: rows.count, columns: vectors.columns)
            for (index, row) in rows.enumerated() {
                packed.row(index).update(from: vectors.row(row), count: vectors.stride)
            }
        }
        func unpacked(_ packedLists: [[Neighbour]]) -> [[Neighbour]] {
            guard rows.count != vectors.rows else { return packedLists }
            var lists = [[Neighbour]](repeating: [], count: vectors.rows)
            for (index, row) in rows.enumerated() {
                lists[row] = packedLists[index].map { Neighbour(item: Int32(rows[Int($0.item)]), score: $0.score) }
            }
            return lists
        }
        guard approximate else {
            let lists = FactorSimilarity(neighbours: neighbours, threads: threads).similarItems(packed)
            return Outcome(lists: unpacked(lists), recall: nil, sampled: 0, rounds: 0)
        }
        let (packedLists, report) = graph.nearest(packed, neighbours: neighbours, progress: progress)
        let recall = measuredRecall(packed, approximate: packedLists)
        return Outcome(lists: unpacked(packedLists), recall: recall.value, sampled: recall.sampled, rounds: report.rounds)
    }

    /// Mean over a seeded sample of rows of |approximate ∩ exact| / |exact| for each row's top `neighbours`.
    func measuredRecall(_ vectors: FactorMatrix, approximate: [[Neighbour]]) -> (value: Double, sampled: Int) {
        let rows = vectors.rows
        guard rows > 1 else { return (1, 0) }
        var random = SeededGenerator(seed: seed, stream: 0x12EC)
        var chosen = Set<Int>()
        let wanted = min(recallSample, rows)
        while chosen.count < wanted { chosen.insert(random.below(rows)) }
        let sample = chosen.sorted()
        let queries = FactorMatrix(rows: sample.count, columns: vectors.columns)
        for (index, row) in sample.enumerated() { queries.row(index).update(from: vectors.row(row), count: vectors.stride) }
        let exact = FactorSimilarity(neighbours: neighbours + 1, threads: threads)
            .nearest(queries: queries, candidates: vectors, excludeSameIndex: false)
        var total = 0.0
        for (index, row) in sample.enumerated() {
            let truth = exact[index].filter { Int($0.item) != row }.prefix(neighbours)
            guard !truth.isEmpty else { total += 1; continue }
            let found = Set(approximate[row].prefix(neighbours).map(\.item))
            total += Double(truth.filter { found.contains($0.item) }.count) / Double(truth.count)
        }
        return (total / Double(sample.count), sample.count)
    }
}
