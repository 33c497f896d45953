import AlgorithmIdentity
import CatalogFiles
import CatalogStore
import Crypto
import Evaluation
import Foundation
import Recommenders
import TestSupport
import Testing

/// A recommender built elsewhere: the split it trains on, and its lists scored beside the built-ins.
@Suite struct OutsideRecommenderTests {
    static let holdout = HoldoutSplit(holdout: 3, fraction: 0.2, seed: 7,
                                      threshold: KCoreFilter(minimumUserInteractions: 2, minimumItemInteractions: 2))

    /// 50 users over 40 models in a real catalogue file, one name with a comma and a quote.
    static func catalogue(in folder: TemporaryDirectory) throws -> CatalogStore {
        let models = (0..<40).map { index in
            ModelRecord(name: index == 3 ? "Car, \"fast\"" : "Model \(index)", mid: ModelID(String(format: "%032x", 0xabc000 + index))!)
        }
        var likes: [LikeRecord] = []
        for user in 0..<50 {
            for k in 0..<(6 + user % 15) {
                let model = models[(user * 7 + k * 3) % 40]
                likes.append(LikeRecord(modelName: model.name, mid: model.mid, user: "anon\(user)"))
            }
        }
        let features = models.map { FeatureRecord(mid: $0.mid, kind: .tag, value: "tag\($0.mid.rawValue.suffix(1))") }
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: models, likes: likes, features: features))
        return store
    }

    static func rows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    }

    @Test func theExportedSplitIsTheOneEvaluateScoresNamedByUid() throws {
        let folder = try TemporaryDirectory()
        let store = try Self.catalogue(in: folder)
        let out = folder.file("split")
        let report = try SplitExport(store: store, holdout: Self.holdout, directory: out).run()
        #expect(report.files == ["train.csv", "test.csv", "features.csv", "items.csv", "split.json"])

        let names = try store.catalogNames()
        let expected = try SplitSource.catalog(store).load(holdout: Self.holdout)
        for (file, triples) in [("train.csv", expected.train), ("test.csv", expected.test)] {
            let written = try Self.rows(out.appendingPathComponent(file))
            #expect(written.map { $0.joined(separator: ",") } == triples.map { "\(names.user($0.user)!),\(names.model($0.item)!)" })
            #expect(written.allSatisfy { $0[0].hasPrefix("anon") && $0[1].count == 32 }, "anonymous ids and model uids")
        }
        #expect(report.counts["test_users"] == 10 && report.counts["test_likes"] == 30)
        let items = try String(contentsOf: out.appendingPathComponent("items.csv"), encoding: .utf8)
        #expect(items.contains("\"Car, \"\"fast\"\"\""), "RFC 4180 quoting")
        #expect(try Self.rows(out.appendingPathComponent("features.csv")).count == 40)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("split.json"))) as? [String: Any])
        #expect(manifest["seed"] as? Int == 7)
        let checksums = try #require(manifest["sha256"] as? [String: String])
        for file in ["train.csv", "test.csv", "features.csv", "items.csv"] {
            let digest = SHA256.hash(data: try Data(contentsOf: out.appendingPathComponent(file))).map { String(format: "%02x", $0) }.joined()
            #expect(checksums[file] == digest, "\(file)")
        }
    }

    /// A whole `evaluate --db` run: settings searched on validation copies of the split, then the imported lists
    /// scored on the split itself, stored with the run.
    @Test(.timeLimit(.minutes(2))) func anEvaluateRunWithSearchesScoresImportedListsOnTheSplitAndStoresThem() throws {
        let folder = try TemporaryDirectory()
        let store = try Self.catalogue(in: folder)
        let ids = try store.trainingLikes().modelIDs
        var lists: [String: [(item: String, score: Float)]] = [:]
        for (index, id) in ids.enumerated() { lists[String(id)] = (1...3).map { (String(ids[(index + $0) % ids.count]), Float(4 - $0)) } }
        var settings = HarnessSettings()
        settings.threads = 2
        var run = EvaluationRun(source: .catalog(store), holdout: Self.holdout, algorithms: [.itemKNN, .ease], settings: settings,
                                similarItems: 0)
        run.tuneBudget = .seconds(2)
        run.record = store
        run.outside = [OutsideRecommender(name: ImportedName(rawValue: "next-three")!, output: .itemLists(lists), source: "test")]
        let reports = try run.run { _ in }
        #expect(reports.map(\.name) == ["itemknn", "ease", "next-three"])
        #expect(reports[1].parameters["settings_search"] != nil && reports[2].parameters["settings_search"] == nil, "ease searched")
        #expect(reports[2].metrics.testUsers == reports[0].metrics.testUsers)
        let stored = try #require(try store.publishedCatalog().evaluation)
        #expect(stored.report.contains("\"next-three\""))
    }

    /// One split's matrices and names, as `evaluate` indexes them.
    static func split() throws -> (train: InteractionData, test: InteractionData) {
        var triples: HoldoutSplit.Triples = []
        for user in 0..<60 {
            for k in 0..<(8 + user % 12) { triples.append(("u\(user)", "i\((user * 5 + k * 3) % 45)", 1)) }
        }
        let (train, test) = try holdout.split(triples)
        return EvaluationHarness.index(train: train, test: test)
    }

    @Test func importedListsAreScoredByTheCarouselsRuleLikeABuiltIn() throws {
        let (train, test) = try Self.split()
        let lists = ItemKNN(neighbours: 20, threads: 2).similarItems(train.matrix)
        var stored: [String: [(item: String, score: Float)]] = [:]
        for (item, neighbours) in lists.enumerated() {
            stored[train.itemIDs[item]] = neighbours.map { (train.itemIDs[Int($0.item)], $0.score) }
        }
        var settings = HarnessSettings()
        settings.neighbours = 20
        let outside = [OutsideRecommender(name: ImportedName(rawValue: "knn-elsewhere")!, output: .itemLists(stored), source: "test")]
        let reports = try EvaluationHarness(settings: settings).run([.itemKNN], train: train.matrix, test: test.matrix,
                                                                    itemIDs: train.itemIDs, userIDs: train.userIDs, outside: outside)
        #expect(reports.map(\.name) == ["itemknn", "knn-elsewhere"])
        #expect(reports[1].recommender == .imported(ImportedName(rawValue: "knn-elsewhere")!) && reports[1].algorithm == nil)
        // The same lists brought in score exactly as the built-in's lists do, user by user.
        #expect(reports[1].metrics.perUser == reports[0].listMetrics?.perUser)
        #expect(reports[1].metrics["precision@10"] > 0)
    }

    @Test func userListsAreScoredByTheirOwnRankingOnTheSameUsers() throws {
        let (train, test) = try Self.split()
        // An oracle: each test user's held-out items first, then an item the split does not have.
        var lists: [String: [String]] = [:]
        for user in 0..<test.matrix.userCount where test.matrix.userDegree(user) > 0 {
            lists[train.userIDs[user]] = test.matrix.items(ofUser: user).map { train.itemIDs[Int($0)] } + ["not-an-item"]
        }
        let outside = [OutsideRecommender(name: ImportedName(rawValue: "oracle")!, output: .userLists(lists), source: "test")]
        let reports = try EvaluationHarness(settings: HarnessSettings()).run([.popularity], train: train.matrix, test: test.matrix,
                                                                             itemIDs: train.itemIDs, userIDs: train.userIDs, outside: outside)
        let oracle = try #require(reports.last)
        #expect(abs(oracle.metrics["precision@10"] - 0.3) < 1e-9, "3 held out of 10 shown, every one found")
        #expect(oracle.metrics["ndcg@10"] > 0.999)
        #expect(oracle.metrics.perUser["precision@10"]?.count == reports[0].metrics.perUser["precision@10"]?.count, "paired")
        #expect(oracle.parameters["lists"] == "per user (\(lists.count) users with a list, \(lists.count) items not in the split skipped)",
                "the one name per user the split lacks is counted")
    }

    @Test func aUserListsFileIsReadByRankAndABadLineIsNamed() throws {
        let folder = try TemporaryDirectory()
        let good = try folder.write("top.psv", "user|model|rank\nu1|b|2\nu1|a|1\nu2|c|1\nstranger|a|1\n")
        let read = try UserListsFile.read(good, renameUser: { $0 == "stranger" ? nil : $0 })
        #expect(read.lists == ["u1": ["a", "b"], "u2": ["c"]] && read.skippedRows == 1)
        let bad = try folder.write("bad.csv", "u1,a,1\nu1,b,zero\n")
        let error = #expect(throws: UserListsFile.Problem.self) { _ = try UserListsFile.read(bad) }
        #expect(error?.description == "\(bad.path):2: rank \"zero\" is not a whole number from 1")
        let twice = try folder.write("twice.psv", "u1|a|1\nu1|a|2\n")
        #expect(throws: UserListsFile.Problem.self) { _ = try UserListsFile.read(twice) }
    }
}
