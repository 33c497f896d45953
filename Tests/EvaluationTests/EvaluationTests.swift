import AlgorithmIdentity
import CatalogFiles
import CatalogStore
import Evaluation
import Foundation
import Recommenders
import TestSupport
import SeededRandom
import Testing

@Suite struct HoldoutSplitTests {
    /// 50 users with 6 to 20 likes each over 40 items, every item liked often enough to survive thresholding.
    static var interactions: HoldoutSplit.Triples {
        var triples: HoldoutSplit.Triples = []
        for user in 0..<50 {
            for k in 0..<(6 + user % 15) { triples.append(("u\(user)", "i\((user * 7 + k * 3) % 40)", 1)) }
        }
        return triples
    }

    @Test func disjointSeededAndTheRightSize() throws {
        let splitter = HoldoutSplit(holdout: 3, fraction: 0.2, seed: 1,
                                    threshold: KCoreFilter(minimumUserInteractions: 2, minimumItemInteractions: 2))
        let (train, test) = try splitter.split(Self.interactions)
        let testUsers = Set(test.map(\.user))
        #expect(testUsers.count == 10)  // 20% of 50 users
        for user in testUsers { #expect(test.filter { $0.user == user }.count == 3) }
        let trainPairs = Set(train.map { "\($0.user)/\($0.item)" })
        #expect(test.allSatisfy { !trainPairs.contains("\($0.user)/\($0.item)") })
        // Every test user kept at least as many training likes as they gave up.
        for user in testUsers { #expect(train.filter { $0.user == user }.count >= 3) }
        // Same seed, same split; another seed, another split.
        let again = try splitter.split(Self.interactions)
        #expect(again.test.map { "\($0.user)/\($0.item)" } == test.map { "\($0.user)/\($0.item)" })
        var other = splitter
        other.seed = 2
        #expect(try other.split(Self.interactions).test.map { "\($0.user)/\($0.item)" } != test.map { "\($0.user)/\($0.item)" })
        // Nothing lost: train + test is the thresholded, folded input.
        #expect(train.count + test.count == Set(Self.interactions.map { "\($0.user)/\($0.item)" }).count)
    }

    @Test func refusesWhenTooFewUsersQualify() {
        let few: HoldoutSplit.Triples = (0..<10).map { ("u\($0)", "i\($0 % 2)", 1) }
        #expect(throws: HoldoutSplit.SplitError.self) {
            _ = try HoldoutSplit(holdout: 5, fraction: 0.5, threshold: KCoreFilter(minimumUserInteractions: 1, minimumItemInteractions: 1)).split(few)
        }
    }
}

@Suite struct RankingMetricTests {
    /// Ten items scored 10 … 1 (item 0 best). Items 0 and 1 were trained on; items 2, 5 and 9 are held out.
    /// After excluding 0 and 1 the ranking is 2,3,4,5,6,7,8,9: hits at ranks 1, 4 and 8.
    @Test func handComputedCase() {
        var scores: [Float] = (0..<10).map { Float(10 - $0) }
        let (metrics, top) = scores.withUnsafeMutableBufferPointer {
            RankingEvaluator.userMetrics(scores: $0, exclude: [0, 1], relevant: [2, 5, 9])
        }
        #expect(top == [2, 3, 4, 5, 6, 7, 8, 9])
        let precision5 = metrics[0], precision10 = metrics[1], recall10 = metrics[2], ndcg = metrics[3], map = metrics[4], auc = metrics[5]
        #expect(abs(precision5 - 2.0 / 5) < 1e-12)
        #expect(abs(precision10 - 3.0 / 10) < 1e-12)
        #expect(abs(recall10 - 1) < 1e-12)
        let dcg = 1 / log2(2.0) + 1 / log2(5.0) + 1 / log2(9.0)
        let idcg = 1 / log2(2.0) + 1 / log2(3.0) + 1 / log2(4.0)
        #expect(abs(ndcg - dcg / idcg) < 1e-12)
        #expect(abs(map - (1.0 / 1 + 2.0 / 4 + 3.0 / 8) / 3) < 1e-12)
        // Negatives 3,4,6,7,8 (scores 7,6,4,3,2). Item 2 (8) beats 5, item 5 (5) beats 3, item 9 (1) beats 0.
        #expect(abs(auc - 8.0 / 15) < 1e-12)
    }

    @Test func evaluatorAveragesOverTestUsersAndMeasuresCoverage() {
        let train = InteractionMatrix(userCount: 3, itemCount: 4, pairs: [(0, 0), (1, 1), (2, 0)])
        let test = InteractionMatrix(userCount: 3, itemCount: 4, pairs: [(0, 1), (1, 3)])
        struct Fixed: ItemScorer {
            func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
                for item in 0..<output.count { output[item] = Float(output.count - item) }
            }
        }
        let result = RankingEvaluator(threads: 2).evaluate(Fixed(), train: train, test: test)
        #expect(result.testUsers == 2)
        // User 0 ranks 1,2,3: hit at rank 1. User 1 ranks 0,2,3: hit at rank 3.
        #expect(abs(result["precision@5"] - (1.0 / 5 + 1.0 / 5) / 2) < 1e-12)
        #expect(abs(result["recall@10"] - 1) < 1e-12)
        #expect(abs(result["ndcg@10"] - (1 + 0.5) / 2) < 1e-12)
        #expect(abs(result["coverage@10"] - 1) < 1e-12)
        // Every test user's values are kept, for the bootstrap; their mean is the reported average.
        #expect(Set(result.perUser.keys) == Set(MetricSet.perUserKeys))
        #expect(result.perUser["precision@5"] == [0.2, 0.2])
        for key in MetricSet.perUserKeys {
            let values = result.perUser[key] ?? []
            #expect(values.count == 2 && values.reduce(0, +) / 2 == result[key], "\(key)")
        }
        #expect(result.perUser["coverage@10"] == nil)
    }
}

@Suite struct HarnessTests {
    @Test func runsEveryAlgorithmAndReportsEveryMetric() throws {
        let (train, test) = try HoldoutSplit(holdout: 3, fraction: 0.2, seed: 1,
                                             threshold: KCoreFilter(minimumUserInteractions: 2, minimumItemInteractions: 2))
            .split(HoldoutSplitTests.interactions)
        let indexed = EvaluationHarness.index(train: train, test: test)
        var settings = HarnessSettings()
        settings.factors = 4
        settings.iterations = 3
        settings.epochs = 3
        settings.learningCurves = true
        let side = (0..<indexed.train.itemIDs.count).map { (item: $0, feature: "tag:\($0 % 3)", weight: Float(1)) }
        let reports = try EvaluationHarness(settings: settings).run(Algorithm.evaluable.filter { $0 != .sparkALS && $0 != .visual },
                                                                     train: indexed.train.matrix, test: indexed.test.matrix,
                                                                     sideFeatures: side)
        #expect(reports.map(\.name) == ["popularity", "itemknn", "wrmf", "ease", "rp3beta", "warp", "warp-tags", "ease-tags",
                                         "rp3beta-tags", "blend", "bpr", "bpr-tags"])
        // Item-to-item algorithms are scored as models and, beside, by their lists; the others as models only.
        #expect(reports.filter { $0.listMetrics != nil }.map(\.name) == ["itemknn", "ease", "rp3beta", "ease-tags", "rp3beta-tags"])
        #expect(reports[2].curve.map(\.iteration) == [1, 2, 3])
        #expect(reports[6].curve.map(\.iteration) == [1, 2, 3])
        #expect(reports[6].parameters["features"] == "identity+3 side features")
        #expect(reports[3].parameters["fitted_items"] == String(indexed.train.itemIDs.count))
        #expect(reports.allSatisfy { $0.metrics.values["cold_precision@10"] != nil })
        let json = try JSONSerialization.jsonObject(with: EvaluationReports.json(reports, split: ["users": 50])) as! [String: Any]
        let entries = json["algorithms"] as! [[String: Any]]
        for entry in entries {
            for key in MetricSet.keys + ["name", "parameters", "fit_seconds"] { #expect(entry[key] != nil, "missing \(key)") }
        }
        let table = EvaluationReports.table(reports)
        #expect(table.split(separator: "\n").count == 13)
        #expect(EvaluationReports.listRuleTable(reports).split(separator: "\n").count == 6)
        #expect(throws: HarnessError.self) {
            _ = try EvaluationHarness(settings: settings).run([.warpTags], train: indexed.train.matrix, test: indexed.test.matrix)
        }
        let svg = EvaluationReports.learningCurvesSVG(reports)
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline"))
        #expect(throws: UnknownAlgorithm.self) { _ = try Algorithm.list("wrmf,nope", among: Algorithm.evaluable) }
        #expect(try Algorithm.list("wrmf, warp-tags", among: Algorithm.evaluable) == [.wrmf, .warpTags])
    }
}

@Suite struct StoredEvaluationTests {
    /// `evaluate --db`: the catalogue's own likes are split and scored, its tags feed warp-tags, and the run (split,
    /// settings, metrics, learning curves) is stored and published for the evaluation page.
    @Test func evaluatesACatalogueAndStoresTheRun() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        let mids = (0..<30).map { ModelID(String(format: "%032x", 0xabc000 + $0))! }
        let models = mids.enumerated().map { ModelRecord(name: "model \($0.offset)", mid: $0.element) }
        var likes: [LikeRecord] = []
        for user in 0..<60 {
            for step in 0..<8 { let item = (user * 7 + step * (user % 3 + 1)) % 30; likes.append(LikeRecord(modelName: "model \(item)", mid: mids[item], user: "u\(user)")) }
        }
        let features = mids.enumerated().map { FeatureRecord(mid: $0.element, kind: .tag, value: "t\($0.offset % 4)") }
        _ = try store.importCatalog(CatalogImportBatch(models: models, likes: likes, features: features))
        let before = try store.publishedGeneration()
        var settings = HarnessSettings()
        settings.factors = 4
        settings.iterations = 3
        settings.epochs = 2
        var run = EvaluationRun(source: .catalog(store), holdout: HoldoutSplit(holdout: 2, fraction: 0.3, seed: 3, allowFewerUsers: true),
                                algorithms: [.popularity, .wrmf, .warpTags], settings: settings, similarItems: 0)
        run.sideFeatureRows = try ItemFeatureSource.load(store)
        run.record = store
        let reports = try run.run { _ in }
        #expect(try store.evaluationCount() == 1)
        #expect(try store.publishedGeneration() == before + 1, "servers reload to show it")
        let stored = try #require(try store.publishedCatalog().evaluation)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(stored.report.utf8)) as? [String: Any])
        let algorithms = try #require(document["algorithms"] as? [[String: Any]])
        #expect(algorithms.map { $0["name"] as? String } == ["popularity", "wrmf", "warp-tags"])
        #expect((algorithms[1]["learning_curve"] as? [Any])?.count == 3, "curves are recorded for the page")
        #expect(abs((algorithms[1]["precision@10"] as? Double ?? -1) - reports[1].metrics["precision@10"]) < 1e-12)
        #expect((document["split"] as? [String: Int])?["items"] == 30)
        #expect((document["settings"] as? [String: String])?["factors"] == "4")
        #expect(reports[2].parameters["features"]?.contains("4 side features") == true)
    }
}

@Suite struct InteractionsCSVTests {
    @Test func roundTripsAndReportsBadLines() throws {
        let folder = try TemporaryDirectory()
        let triples: HoldoutSplit.Triples = [("u1", "i1", 1), ("u2", "i2", 2.5)]
        try InteractionsCSV.write(triples, to: folder.file("a.csv"))
        let read = try InteractionsCSV.read(folder.file("a.csv"))
        #expect(read.map(\.user) == ["u1", "u2"] && read.map(\.weight) == [1, 2.5])
        let noWeights = try InteractionsCSV.read(try folder.write("b.csv", "user,item\r\nx,y\r\n"))
        #expect(noWeights.count == 1 && noWeights[0].weight == 1)
        let bad = try folder.write("c.csv", "user,item,weight\nx,y,1\nx,y,lots\n")
        let error = #expect(throws: InteractionsCSV.FormatError.self) { _ = try InteractionsCSV.read(bad) }
        #expect(error?.line == 3)
        #expect(throws: InteractionsCSV.FormatError.self) { _ = try InteractionsCSV.read(try folder.write("d.csv", "a,b\n")) }
    }
}

@Suite struct HyperparameterSearchTests {
    /// Two taste groups: even users like 12 of the 20 even items, odd users 12 of the odd ones.
    static var plantedGroups: HoldoutSplit.Triples {
        var random = SeededGenerator(seed: 9)
        var triples: HoldoutSplit.Triples = []
        for user in 0..<80 {
            var items = Array(stride(from: user % 2, to: 40, by: 2))
            for index in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(index, random.below(index + 1)) }
            for item in items.prefix(12) { triples.append(("u\(user)", "i\(item)", 1)) }
        }
        return triples
    }

    @Test func picksTheBestCompletedTrialAndItLearntTheGroups() throws {
        let search = HyperparameterSearch(algorithm: .warp, trials: 4, seed: 3, threads: 1)
        let candidates = search.candidates()
        #expect(candidates.count == 4)
        #expect(candidates[1].factors == 10 && candidates[1].itemAlpha == 0)
        #expect(search.candidates() == candidates)  // seeded
        let (trials, best) = try search.run(train: Self.plantedGroups, sideFeatures: [])
        #expect(trials.count == 4)
        // The selection: the completed trial with the highest validation precision, not a stopped one.
        let winner = try #require(trials.filter(\.completed).max { $0.settings.validationPrecision < $1.settings.validationPrecision })
        #expect(best == winner.settings)
        // A held-out like is one of the 8 unseen items of the user's group among 28 unseen items: ranking at random
        // scores 5/28 ≈ 0.18 at precision@10, ranking the group first up to 0.5.
        #expect(best.validationPrecision > 0.3, "validation precision@10 \(best.validationPrecision)")
        let folder = try TemporaryDirectory()
        try best.write(to: folder.file("best.json"))
        #expect(try TunedSettings.read(folder.file("best.json")) == best)
        #expect(throws: HarnessError.self) { _ = try TunedSettings.read(try folder.write("bad.json", "{}")) }
        // Settings that would break training are refused when read, naming the field.
        let negative = try folder.write("negative.json", """
            {"algorithm":"warp","factors":-3,"learningRate":0.05,"epochs":30,"itemAlpha":0,"userAlpha":0,"validationPrecision":0}
            """)
        let error = #expect(throws: HarnessError.self) { _ = try TunedSettings.read(negative) }
        #expect(error?.description.contains("factors") == true)
    }
}

@Suite struct HoldoutSplitFewerUsersTests {
    @Test func takesEveryQualifyingUserWhenAllowed() throws {
        // 10 users, only 3 with 10+ likes; 50% would need 5.
        var triples: HoldoutSplit.Triples = []
        for user in 0..<10 { for item in 0..<(user < 3 ? 12 : 4) { triples.append(("u\(user)", "i\(item)", 1)) } }
        let loose = KCoreFilter(minimumUserInteractions: 1, minimumItemInteractions: 1)
        #expect(throws: HoldoutSplit.SplitError.self) { _ = try HoldoutSplit(holdout: 5, fraction: 0.5, threshold: loose).split(triples) }
        let (_, test) = try HoldoutSplit(holdout: 5, fraction: 0.5, threshold: loose, allowFewerUsers: true).split(triples)
        #expect(Set(test.map(\.user)) == ["u0", "u1", "u2"])
    }
}

@Suite struct TopicAgreementTests {
    @Test func sharesAndChance() {
        let topics = ["a": "cars", "b": "cars", "c": "food", "d": "food"]
        let lists = ["a": ["b", "c"], "c": ["d", "d"], "zz": ["a"]]
        let result = TopicAgreement.share(lists: lists, topics: topics)
        #expect(result.pairs == 4)
        #expect(abs(result.share - 0.75) < 1e-12)
        #expect(abs(TopicAgreement.chance(topics: topics) - 0.5) < 1e-12)
    }
}
