import CatalogFiles
import CatalogStore
import Foundation
import Recommenders
import TestSupport
import Testing
import Training

@Suite struct TrainerTests {
    @Test func storesItemKNNAndPopularityForEveryModel() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        let results = try Trainer.run(TrainingOptions(neighbours: 3, threads: 2, wrmf: WRMF(factors: 2, regularization: 1, iterations: 10)),
                                      store: store)
        #expect(results.map(\.name) == ["wrmf", "itemknn", "popularity"])
        #expect(results.allSatisfy { $0.modelsWithRecommendations == 6 })

        for (index, mid) in TinyCatalog.ids.enumerated() {
            let page = try #require(try await store.modelPage(mid: mid.rawValue))
            #expect(page.1.map(\.algorithm) == ["wrmf", "itemknn", "popularity"])
            let group = index < 3 ? TinyCatalog.ids[0..<3] : TinyCatalog.ids[3..<6]
            for list in page.1 {
                let similar = list.models.map(\.mid)
                #expect(!similar.contains(mid.rawValue))
                #expect(similar.count <= 3)
            }
            // The two taste groups never share a liker, so item-kNN stays inside the group, and WRMF ranks the
            // group's other two models first.
            #expect(page.1[1].models.allSatisfy { model in group.contains { $0.rawValue == model.mid } })
            #expect(page.1[0].models.prefix(2).allSatisfy { model in group.contains { $0.rawValue == model.mid } })
        }
    }

    @Test func retrainingReplacesRatherThanAppends() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        _ = try Trainer.run(TrainingOptions(neighbours: 2), store: store)
        let first = try store.counts().recommendations
        _ = try Trainer.run(TrainingOptions(neighbours: 2), store: store)
        #expect(try store.counts().recommendations == first)
    }

    @Test func unknownAlgorithmIsRejectedBeforeAnythingRuns() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        #expect(throws: TrainingError.self) {
            _ = try Trainer.run(TrainingOptions(algorithms: ["itemknn", "nonsense"]), store: store)
        }
        #expect(try store.counts().recommendations == 0)
    }

    @Test func emptyCatalogueSaysWhatToDo() throws {
        let folder = try TemporaryDirectory()
        let error = #expect(throws: TrainingError.self) { _ = try Trainer.run(TrainingOptions(), store: try folder.store()) }
        #expect(error?.description.contains("recasketch import") == true)
    }
}
