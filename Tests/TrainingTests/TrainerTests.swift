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
        let results = try Trainer.run(TrainingOptions(neighbours: 3, threads: 2), store: store)
        #expect(results.map(\.name) == ["itemknn", "popularity"])
        #expect(results[0].modelsWithRecommendations == 6)

        for (index, mid) in TinyCatalog.ids.enumerated() {
            let page = try #require(try await store.modelPage(mid: mid.rawValue))
            #expect(page.1.map(\.algorithm) == ["itemknn", "popularity"])
            let similar = page.1[0].models.map(\.mid)
            #expect(!similar.contains(mid.rawValue))
            #expect(similar.count <= 3)
            // The two taste groups never share a liker, so item-kNN stays inside the group.
            let group = index < 3 ? TinyCatalog.ids[0..<3] : TinyCatalog.ids[3..<6]
            #expect(similar.allSatisfy { id in group.contains { $0.rawValue == id } })
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
