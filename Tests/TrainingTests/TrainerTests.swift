import AlgorithmIdentity
import CatalogFiles
import CatalogStore
import Foundation
import Recommenders
import TestSupport
import Testing
import SparkEngine
import Training

@Suite struct TrainerTests {
    @Test func storesItemKNNAndPopularityForEveryModel() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        let results = try Trainer.run(TrainingOptions(neighbours: 3, threads: 2, wrmf: WRMF(factors: 2, regularization: 1, iterations: 10),
                                                      hybrid: HybridTraining(factors: 4, epochs: 10, threads: 1)),
                                      store: store)
        #expect(results.map(\.algorithm) == [.wrmf, .warpTags, .itemKNN, .ease, .easeTags, .rp3beta, .rp3betaTags, .popularity])
        #expect(results.allSatisfy { $0.modelsWithRecommendations == 6 })
        // The Likes + tags vectors a server places live models with: one representation per model, 4 values each.
        let vectors = try #require(try store.hybridVectors(algorithm: "warp-tags"))
        #expect(vectors.factors == 4 && vectors.modelIDs.count == 6 && vectors.itemVectors.count == 24)

        for (index, mid) in TinyCatalog.ids.enumerated() {
            let page = try #require(try await store.modelPage(mid: mid.rawValue))
            #expect(page.1.map(\.algorithm) == ["wrmf", "warp-tags", "itemknn", "ease", "ease-tags", "rp3beta", "rp3beta-tags", "popularity"])
            let group = index < 3 ? TinyCatalog.ids[0..<3] : TinyCatalog.ids[3..<6]
            for list in page.1 {
                let similar = list.models.map(\.mid)
                #expect(!similar.contains(mid.rawValue))
                #expect(similar.count <= 3)
            }
            // The two taste groups never share a liker, so item-kNN stays inside the group, and WRMF ranks the
            // group's other two models first.
            #expect(page.1[2].models.allSatisfy { model in group.contains { $0.rawValue == model.mid } })
            // So do EASE and RP3beta: no path leads across the groups.
            for list in page.1[3...4] { #expect(list.models.allSatisfy { model in group.contains { $0.rawValue == model.mid } }) }
            #expect(page.1[0].models.prefix(2).allSatisfy { model in group.contains { $0.rawValue == model.mid } })
        }
    }

    /// WRMF stores, with its lists, why each was made (the two taste groups share no liker, so every in-group
    /// suggestion has co-likers) and the item factors a server folds a visitor's likes into.
    @Test func storesReasonsAndFoldInFactors() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        _ = try Trainer.run(TrainingOptions(algorithms: [.wrmf, .popularity], neighbours: 2, threads: 2,
                                            wrmf: WRMF(factors: 2, regularization: 1, iterations: 10)), store: store)
        let source = try store.publishedCatalog()
        let wrmf = try #require(source.lists["wrmf"])
        for model in 0..<6 {
            for entry in Int(wrmf.offsets[model])..<Int(wrmf.offsets[model + 1]) {
                let sameGroup = (model < 3) == (wrmf.items[entry] < 3)
                #expect(sameGroup ? wrmf.coLikers[entry] > 0 : wrmf.coLikers[entry] == 0)
                let connecting = wrmf.connecting[(entry * 3)..<(entry * 3 + 3)].filter { $0 >= 0 }
                #expect(connecting.allSatisfy { $0 != Int32(model) && $0 != wrmf.items[entry] })
            }
        }
        #expect(try #require(source.lists["popularity"]).coLikers.allSatisfy { $0 == -1 }, "popularity stores no reasons")
        let foldIn = try #require(source.foldIn)
        #expect(foldIn.algorithm == "wrmf" && foldIn.factors == 2 && foldIn.alpha == WRMF().alpha)
        #expect(foldIn.known == [Bool](repeating: true, count: 6))
        #expect(foldIn.vectors.count == 12)
    }

    @Test func retrainingReplacesRatherThanAppends() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        let options = TrainingOptions(algorithms: [.itemKNN, .wrmf], neighbours: 2)
        _ = try Trainer.run(options, store: store)
        let first = try store.counts().recommendations
        _ = try Trainer.run(options, store: store)
        #expect(try store.counts().recommendations == first)
    }

    @Test func unknownAlgorithmIsRejectedBeforeAnythingRuns() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        #expect(throws: UnknownAlgorithm.self) {
            _ = try Algorithm.list("itemknn,nonsense", among: Algorithm.trainable)
        }
        #expect(try store.counts().recommendations == 0)
    }

    @Test func emptyCatalogueSaysWhatToDo() throws {
        let folder = try TemporaryDirectory()
        let error = #expect(throws: TrainingError.self) { _ = try Trainer.run(TrainingOptions(), store: try folder.store()) }
        #expect(error?.description.contains("recasketch import") == true)
    }
}

@Suite struct LikesAndTagsTrainingTests {
    @Test func storesModelsPerTagAndSuggestionsPerModel() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes,
                                                       features: TinyCatalog.features))
        _ = try Trainer.run(TrainingOptions(algorithms: [.warpTags], neighbours: 3, threads: 1,
                                            hybrid: HybridTraining(factors: 4, epochs: 30, threads: 1), featureNeighbours: 3),
                            store: store)
        // "dragon" is carried by models 3–5 only; the model that learnt from likes and tags puts them nearest.
        let dragons = try await store.modelsNear(FeatureKey(kind: .tag, value: "dragon"), limit: 3)
        #expect(Set(dragons.map(\.model.mid)) == Set(TinyCatalog.ids[3...5].map(\.rawValue)))
        let cars = try await store.modelsNear(FeatureKey(kind: .category, value: "cars-vehicles"), limit: 3)
        #expect(Set(cars.map(\.model.mid)) == Set(TinyCatalog.ids[0...2].map(\.rawValue)))
        // A car model already carries "car"; the only other tag is suggested.
        let (carried, suggested) = try await store.modelFeatures(mid: TinyCatalog.ids[0].rawValue)
        #expect(carried.map(\.name) == ["category:cars-vehicles", "tag:car"])
        #expect(suggested.map(\.feature.name) == ["tag:dragon"])
    }
}

/// `train --engine spark`: Spark MLlib fits the likes model through spark-submit (local[2]); the lists it gives are
/// stored and served like WRMF's. Skipped, with the reason, where no spark-submit is found ($SPARK_SUBMIT,
/// $SPARK_HOME or the PATH; `.ci/run` installs pyspark from PyPI for it).
@Suite(.timeLimit(.minutes(5)), .enabled(if: SparkALS.locateSubmit() != nil, "spark-submit not found: set SPARK_SUBMIT to run the Spark test"))
struct SparkTrainingTests {
    @Test func sparkFitsTheLikesModelAndItsListsAreStored() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        var options = TrainingOptions(algorithms: [.wrmf], neighbours: 2, threads: 2, wrmf: WRMF(factors: 4, regularization: 0.1, iterations: 5))
        options.spark = SparkALS(sparkSubmit: try #require(SparkALS.locateSubmit()), master: "local[2]")
        options.sparkStaging = folder.file("spark")
        var lines: [String] = []
        _ = try Trainer.run(options, store: store) { lines.append($0) }
        #expect(lines.contains { $0.contains("recasketch-als: fitted") }, "Spark's own progress is shown")
        let source = try store.publishedCatalog()
        let info = try #require(source.algorithms.first { $0.algorithm == "wrmf" })
        #expect(info.parameters.contains("\"engine\":\"spark\"") && info.parameters.contains("local[2]"))
        let lists = try #require(source.lists["wrmf"])
        // The two taste groups share no liker: Spark's factors keep each model's neighbours in its group.
        for model in 0..<6 {
            let neighbours = lists.items[Int(lists.offsets[model])..<Int(lists.offsets[model + 1])]
            #expect(!neighbours.isEmpty && neighbours.allSatisfy { ($0 < 3) == (model < 3) }, "model \(model): \(Array(neighbours))")
        }
        #expect(source.foldIn?.factors == 4, "Spark's item factors serve For you too")
    }

    @Test func aFailingJobNamesItsLog() throws {
        let folder = try TemporaryDirectory()
        let matrix = InteractionMatrix(userCount: 2, itemCount: 2, pairs: [(0, 0), (1, 1)])
        let job = SparkALS(sparkSubmit: try #require(SparkALS.locateSubmit()), master: "no-such-master://x", factors: 2, iterations: 1)
        #expect { try job.fit(matrix, staging: folder.file("staging")) } throws: { error in
            "\(error)".contains(folder.file("staging/spark.log").path)
        }
    }
}
