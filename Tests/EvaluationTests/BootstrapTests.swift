import AlgorithmIdentity
import Foundation
import Recommenders
import SeededRandom
import TestSupport
import Testing
@testable import Evaluation

@Suite struct BootstrapTests {
    /// Per-user precision@10-like values: 0, 0.1, 0.2 or 0.3.
    static func precisions(_ users: Int, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        return (0..<users).map { _ in Double(random.below(4)) / 10 }
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    @Test func theIntervalHoldsTheMeanAndNarrowsWithMoreUsers() {
        let bootstrap = Bootstrap(resamples: 400, seed: 7)
        let few = Self.precisions(100, seed: 1), many = Self.precisions(2500, seed: 2)
        let wide = bootstrap.interval(few), narrow = bootstrap.interval(many)
        #expect(wide.contains(Self.mean(few)), "\(wide) holds \(Self.mean(few))")
        #expect(narrow.contains(Self.mean(many)), "\(narrow) holds \(Self.mean(many))")
        #expect(wide.lowerBound < wide.upperBound)
        // 25 times the users: about a fifth of the width.
        #expect(narrow.upperBound - narrow.lowerBound < (wide.upperBound - wide.lowerBound) / 2, "\(narrow) against \(wide)")
    }

    @Test func theSameSeedGivesTheSameIntervalsWhateverTheThreads() {
        let values = Self.precisions(300, seed: 3), others = Self.precisions(300, seed: 4)
        let one = Bootstrap(resamples: 200, seed: 11, threads: 1)
        let three = Bootstrap(resamples: 200, seed: 11, threads: 3)
        #expect(one.interval(values) == one.interval(values))
        #expect(one.interval(values) == three.interval(values))
        #expect(one.pairedRatio(values, others) == three.pairedRatio(values, others))
        #expect(one.resampledMeans([values]) == three.resampledMeans([values]))
        #expect(one.resampledMeans([values])[0].count == 200)
    }

    @Test func identicalArraysAreExactlyEven() {
        let values = Self.precisions(200, seed: 5).map { $0 + 0.05 }
        let paired = Bootstrap(resamples: 300, seed: 1).pairedRatio(values, values)
        #expect(paired.ratio == 1)
        #expect(paired.interval.lowerBound == 1 && paired.interval.upperBound == 1)
        #expect(paired.verdict == .notDistinguishable)
        #expect(paired.verdict.rawValue == "not distinguishable")
    }

    @Test func aClearlyBetterAlgorithmIsAheadAndTheOtherBehind() {
        var random = SeededGenerator(seed: 8)
        let b = Self.precisions(400, seed: 6)
        let a = b.map { $0 + 0.1 + (random.unit() - 0.5) * 0.1 }
        let bootstrap = Bootstrap(resamples: 500, seed: 2)
        let ahead = bootstrap.pairedRatio(a, b)
        #expect(ahead.verdict == .ahead, "\(ahead)")
        #expect(ahead.interval.lowerBound > 1 && ahead.interval.contains(ahead.ratio))
        #expect(abs(ahead.ratio - Self.mean(a) / Self.mean(b)) < 1e-12)
        #expect(bootstrap.pairedRatio(b, a).verdict == .behind)
    }

    @Test func aZeroBaselineHasNoRatio() {
        let paired = Bootstrap(resamples: 50, seed: 1).pairedRatio([0.1, 0.2, 0.3], [0, 0, 0])
        #expect(paired.ratio.isNaN && paired.interval.lowerBound.isNaN)
        #expect(paired.verdict == .notDistinguishable)
        #expect(Bootstrap(resamples: 0, seed: 1).interval([0.1, 0.2]).lowerBound.isNaN)
    }

    @Test func meanAndSpread() {
        let (mean, deviation) = Bootstrap.meanAndSpread([1, 2, 3, 4])
        #expect(abs(mean - 2.5) < 1e-12)
        #expect(abs(deviation - (5.0 / 3).squareRoot()) < 1e-12)
        let single = Bootstrap.meanAndSpread([0.5])
        #expect(single.mean == 0.5 && single.standardDeviation == 0)
    }

    /// Two hand-made reports over the same 300 test users.
    static var reports: [AlgorithmReport] {
        func report(_ algorithm: Algorithm, shift: Double, seed: UInt64) -> AlgorithmReport {
            var perUser: [String: [Double]] = [:]
            var values: [String: Double] = [:]
            for (index, key) in MetricSet.perUserKeys.enumerated() {
                let series = BootstrapTests.precisions(300, seed: seed + UInt64(index)).map { $0 + shift }
                perUser[key] = series
                values[key] = BootstrapTests.mean(series)
            }
            values["coverage@10"] = 0.5
            return AlgorithmReport(algorithm: algorithm, parameters: [:], fitSeconds: 0.1,
                                   metrics: MetricSet(values: values, testUsers: 300, perUser: perUser), curve: [])
        }
        return [report(.popularity, shift: 0, seed: 10), report(.wrmf, shift: 0.1, seed: 10)]
    }

    @Test func theJSONHoldsIntervalsComparisonsAndTheBootstrap() throws {
        let reports = Self.reports
        let results = BootstrapResults(reports, bootstrap: Bootstrap(resamples: 200, seed: 4))
        #expect(results.algorithms == ["popularity", "wrmf"] && results.testUsers == 300)
        let data = try EvaluationReports.json(reports, split: ["test_users": 300], uncertainty: results)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let algorithms = try #require(document["algorithms"] as? [[String: Any]])
        for (entry, report) in zip(algorithms, reports) {
            let interval = try #require(entry["precision@10_interval"] as? [Double])
            #expect(interval.count == 2 && interval[0] <= report.metrics["precision@10"] && report.metrics["precision@10"] <= interval[1])
            #expect(entry["auc_interval"] != nil && entry["coverage@10_interval"] == nil)
            #expect(abs((entry["precision@10"] as? Double ?? -1) - report.metrics["precision@10"]) < 1e-12, "the existing keys stay")
        }
        let comparisons = try #require(document["comparisons"] as? [[String: Any]])
        #expect(comparisons.count == 4, "2 ordered pairs × precision@10 and ndcg@10")
        let wrmfFirst = try #require(comparisons.first {
            $0["a"] as? String == "wrmf" && $0["b"] as? String == "popularity" && $0["metric"] as? String == "precision@10"
        })
        #expect(wrmfFirst["verdict"] as? String == "ahead")
        #expect((wrmfFirst["ratio"] as? Double ?? 0) > 1 && (wrmfFirst["interval"] as? [Double])?.count == 2)
        let bootstrap = try #require(document["bootstrap"] as? [String: Any])
        #expect(bootstrap["resamples"] as? Int == 200 && abs((bootstrap["confidence"] as? Double ?? 0) - 0.95) < 1e-12)

        // Without resamples the report is what it was.
        let plain = try JSONSerialization.jsonObject(with: EvaluationReports.json(
            reports, split: ["test_users": 300], uncertainty: BootstrapResults(reports, bootstrap: Bootstrap(resamples: 0, seed: 4)))) as? [String: Any]
        #expect(plain?["comparisons"] == nil && plain?["bootstrap"] == nil)
        #expect((plain?["algorithms"] as? [[String: Any]])?.first?["precision@10_interval"] == nil)

        let table = EvaluationReports.intervalsTable(results)
        #expect(table.split(separator: "\n").count == 3 && table.contains(" ["))
        let pairs = EvaluationReports.comparisonsTable(results)
        #expect(pairs.hasPrefix("popularity / wrmf") && pairs.contains("behind") && pairs.contains("p@10"))
    }

    /// `evaluate --split-seeds 1,2 --bootstrap 200 --json`: one run per seed, intervals on the first.
    @Test func aRunWithSplitSeedsWritesEverySection() throws {
        let folder = try TemporaryDirectory()
        try InteractionsCSV.write(HoldoutSplitTests.interactions, to: folder.file("likes.csv"))
        var run = EvaluationRun(source: .interactions(folder.file("likes.csv"), separator: UInt8(ascii: ",")),
                                holdout: HoldoutSplit(holdout: 3, fraction: 0.2, seed: 1,
                                                      threshold: KCoreFilter(minimumUserInteractions: 2, minimumItemInteractions: 2)),
                                algorithms: [.popularity, .itemKNN], settings: HarnessSettings(),
                                jsonOutput: folder.file("results.json"), similarItems: 0)
        run.bootstrapResamples = 200
        run.splitSeeds = [1, 2]
        var lines: [String] = []
        let reports = try run.run { lines.append($0) }
        #expect(reports.map(\.name) == ["popularity", "itemknn"])
        #expect(lines.contains { $0.hasPrefix("bootstrap: 200 resamples over 10 test users") })
        #expect(lines.contains { $0.hasPrefix("split seed 2 (2 of 2)") })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("results.json"))) as? [String: Any])
        let algorithms = try #require(document["algorithms"] as? [[String: Any]])
        #expect(algorithms.allSatisfy { ($0["precision@10_interval"] as? [Double])?.count == 2 })
        #expect((document["comparisons"] as? [Any])?.count == 4)
        let seeds = try #require(document["split_seeds"] as? [String: Any])
        #expect(seeds["seeds"] as? [Int] == [1, 2])
        let popularity = try #require((seeds["algorithms"] as? [String: Any])?["popularity"] as? [String: Any])
        let precision = try #require(popularity["precision@10"] as? [String: Any])
        let first = try #require((precision["values"] as? [Double])?.first)
        #expect(abs(first - reports[0].metrics["precision@10"]) < 1e-12, "the first seed is the main run")
        #expect(precision["sd"] as? Double != nil)
        #expect((seeds["comparisons"] as? [[String: Any]])?.first?["ahead"] as? Int != nil)
    }
}
