import Foundation
import Dispatch
import Recommenders
import ParallelWork

/// Anything that scores every item for a training user (higher is better).
public protocol ItemScorer: Sendable {
    func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>)
}

/// The harness's metrics, averaged over test users (coverage is over all their top-10 lists).
public struct MetricSet: Sendable, Equatable {
    public var values: [String: Double]
    public var testUsers: Int
    /// The per-user metrics (`perUserKeys`), one value per test user: the users with test items, in index order, so
    /// every algorithm scored on the same split lists the same users in the same order (what the bootstrap pairs).
    public var perUser: [String: [Double]]

    public init(values: [String: Double], testUsers: Int, perUser: [String: [Double]] = [:]) {
        self.values = values
        self.testUsers = testUsers
        self.perUser = perUser
    }

    public static let keys = ["precision@5", "precision@10", "recall@10", "ndcg@10", "map@10", "auc", "coverage@10"]
    /// The metrics that are an average over test users, in the order `RankingEvaluator.userMetrics` returns them:
    /// the ones with a per-user value, and so a bootstrap interval.
    public static let perUserKeys = Array(keys.prefix(6))
    /// Cold-ish items (few training likes) ranked among themselves: for test users holding out at least one,
    /// precision and recall of their top 10 among the cold items, against their held-out cold items. This is where
    /// side information has to carry the ranking, since likes barely can.
    public static let coldKeys = ["cold_precision@10", "cold_recall@10"]

    public subscript(key: String) -> Double { values[key] ?? .nan }
}

/// Ranks all items for each test user, training items excluded, and scores the held-out ones.
public struct RankingEvaluator: Sendable {
    public var threads: Int
    /// Items with fewer training interactions than this are cold-ish (0 turns the cold metrics off).
    public var coldThreshold: Int
    public init(threads: Int = 2, coldThreshold: Int = 10) {
        self.threads = max(1, threads)
        self.coldThreshold = coldThreshold
    }

    /// Metrics of one user's ranking: `scores` for all items, `exclude` (training items), `relevant` (test items).
    public static func userMetrics(scores: UnsafeMutableBufferPointer<Float>, exclude: ArraySlice<Int32>,
                                   relevant: Set<Int32>) -> (metrics: [Double], top10: [Int32]) {
        for item in exclude { scores[Int(item)] = -.infinity }
        var top = TopK(capacity: 10)
        for item in 0..<scores.count where scores[item] > -.infinity { top.insert(item: Int32(item), score: scores[item]) }
        let ranked = top.sorted().map(\.item)
        let hits = ranked.map { relevant.contains($0) ? 1.0 : 0.0 }
        let precision5 = hits.prefix(5).reduce(0, +) / 5
        let precision10 = hits.prefix(10).reduce(0, +) / 10
        let recall10 = hits.prefix(10).reduce(0, +) / Double(max(1, relevant.count))
        var dcg = 0.0, idcg = 0.0, averagePrecision = 0.0, hitCount = 0.0
        for (rank, hit) in hits.prefix(10).enumerated() {
            dcg += hit / log2(Double(rank) + 2)
            if hit > 0 { hitCount += 1; averagePrecision += hitCount / Double(rank + 1) }
        }
        for rank in 0..<min(relevant.count, 10) { idcg += 1 / log2(Double(rank) + 2) }
        let ndcg = idcg > 0 ? dcg / idcg : 0
        let map = averagePrecision / Double(max(1, min(relevant.count, 10)))
        // AUC: the share of (relevant, other unseen) pairs where the relevant item scores strictly higher.
        // One pass per relevant item: cheaper than sorting all scores when few items are held out.
        // Held-out lists are short, so a linear scan of them beats hashing for every item.
        // The relevant items are set aside (their scores saved, then hidden) so the pass over every item needs no
        // membership test, and put back after.
        let relevantItems = Array(relevant)
        let relevantScores = relevantItems.map { scores[Int($0)] }
        for item in relevantItems { scores[Int(item)] = -.infinity }
        var below = [Int](repeating: 0, count: relevantScores.count)
        var negatives = 0
        for item in 0..<scores.count {
            let score = scores[item]
            guard score > -.infinity else { continue }
            negatives += 1
            for (index, target) in relevantScores.enumerated() where score < target { below[index] += 1 }
        }
        for (item, score) in zip(relevantItems, relevantScores) { scores[Int(item)] = score }
        let auc = negatives == 0 ? 0 : Double(below.reduce(0, +)) / Double(relevant.count * negatives)
        return ([precision5, precision10, recall10, ndcg, map, auc], ranked)
    }

    /// Evaluates `scorer` on every user with test items. Deterministic: users are summed in index order.
    public func evaluate(_ scorer: ItemScorer, train: InteractionMatrix, test: InteractionMatrix) -> MetricSet {
        let testUsers = (0..<test.userCount).filter { test.userDegree($0) > 0 }
        let itemCount = train.itemCount
        let isCold = (0..<itemCount).map { coldThreshold > 0 && train.itemDegree($0) < coldThreshold }
        let results = UnsafeMutableBufferPointer<(metrics: [Double], top10: [Int32], coldTop10: [Int32])>.allocate(capacity: testUsers.count)
        results.initialize(repeating: ([], [], []))
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        let scratchAll = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, threads) * itemCount)
        defer { scratchAll.deallocate() }
        nonisolated(unsafe) let scratch = scratchAll
        let chunk = max(1, testUsers.count / (threads * 16) + 1)
        Parallel.forEachChunk(of: testUsers.count, chunk: chunk, workers: max(1, threads)) { range, worker in
            let buffer = UnsafeMutableBufferPointer(rebasing: scratch[(worker * itemCount)..<((worker + 1) * itemCount)])
            do {
                for position in range {
                    let user = testUsers[position]
                    scorer.scores(user: user, into: buffer)
                    let (metrics, top10) = Self.userMetrics(scores: buffer, exclude: train.items(ofUser: user),
                                                            relevant: Set(test.items(ofUser: user)))
                    var coldTop10: [Int32] = []
                    if test.items(ofUser: user).contains(where: { isCold[Int($0)] }) {
                        var top = TopK(capacity: 10)
                        for item in 0..<itemCount where isCold[item] && buffer[item] > -.infinity {
                            top.insert(item: Int32(item), score: buffer[item])
                        }
                        coldTop10 = top.sorted().map(\.item)
                    }
                    output[position] = (metrics, top10, coldTop10)
                }
            }
        }
        var sums = [Double](repeating: 0, count: 6)
        var perUser = [[Double]](repeating: [], count: 6)
        for index in perUser.indices { perUser[index].reserveCapacity(testUsers.count) }
        var covered = Set<Int32>()
        var coldPrecision = 0.0, coldRecall = 0.0, coldUsers = 0
        for (position, result) in results.enumerated() {
            for (index, value) in result.metrics.enumerated() {
                sums[index] += value
                perUser[index].append(value)
            }
            covered.formUnion(result.top10)
            guard coldThreshold > 0 else { continue }
            let cold = test.items(ofUser: testUsers[position]).filter { train.itemDegree(Int($0)) < coldThreshold }
            guard !cold.isEmpty else { continue }
            let hits = result.coldTop10.filter { cold.contains($0) }.count
            coldPrecision += Double(hits) / 10
            coldRecall += Double(hits) / Double(cold.count)
            coldUsers += 1
        }
        let count = Double(max(1, testUsers.count))
        var values: [String: Double] = [:]
        for (index, key) in MetricSet.keys.prefix(6).enumerated() { values[key] = sums[index] / count }
        values["coverage@10"] = Double(covered.count) / Double(max(1, itemCount))
        if coldThreshold > 0 {
            values["cold_precision@10"] = coldUsers > 0 ? coldPrecision / Double(coldUsers) : 0
            values["cold_recall@10"] = coldUsers > 0 ? coldRecall / Double(coldUsers) : 0
            values["cold_users"] = Double(coldUsers)
        }
        var perUserValues: [String: [Double]] = [:]
        for (index, key) in MetricSet.perUserKeys.enumerated() { perUserValues[key] = perUser[index] }
        return MetricSet(values: values, testUsers: testUsers.count, perUser: perUserValues)
    }
}
