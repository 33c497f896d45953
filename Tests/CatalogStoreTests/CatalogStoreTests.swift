import CatalogFiles
import CatalogStore
import Foundation
import TestSupport
import Testing

@Suite struct CatalogStoreTests {
    @Test func migrationsAreNamedAppliedOnceAndReopenCleanly() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("c.sqlite").path
        #expect(try CatalogStore(path: path).appliedMigrations() == ["2026-11-26-catalog", "2026-11-27-feature-neighbours", "2026-11-27-image-features", "2026-11-29-published-generation",
                                                                  "2026-11-30-reasons-factors-evaluations", "2026-12-05-tuning-runs", "2026-12-06-visitor-counts", "2026-12-06-live-models", "2026-12-06-hybrid-vectors"])
        #expect(try CatalogStore(path: path).appliedMigrations() == ["2026-11-26-catalog", "2026-11-27-feature-neighbours", "2026-11-27-image-features", "2026-11-29-published-generation",
                                                                  "2026-11-30-reasons-factors-evaluations", "2026-12-05-tuning-runs", "2026-12-06-visitor-counts", "2026-12-06-live-models", "2026-12-06-hybrid-vectors"])
    }

    /// A backup is one consistent copy; restoring it puts its lists back and publishes them under a generation newer
    /// than any served, so running servers reload (rolling back a retrain).
    @Test func aRestoredBackupReplacesTheCatalogueAndIsPublishedAnew() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        let snapshot = try store.trainingLikes()
        let run = AlgorithmRun(algorithm: "wrmf", title: "t", description: "d", displayOrder: 20, parameters: [:],
                               trainedAt: Date(), trainSeconds: 1)
        try store.saveRecommendations(run, modelIDs: snapshot.modelIDs, neighbours: (0..<6).map { [(item: Int32(($0 + 1) % 6), score: Float(0.5))] })
        try store.publish()
        let backup = folder.file("backups/before.sqlite").path
        try store.backup(to: backup)
        let backedUp = try store.publishedCatalog().lists["wrmf"]?.items
        // A retrain that the operator wants to undo.
        try store.saveRecommendations(run, modelIDs: snapshot.modelIDs, neighbours: (0..<6).map { [(item: Int32(($0 + 3) % 6), score: Float(0.9))] })
        try store.publish()
        try store.publish()
        let served = try store.publishedGeneration()
        #expect(try store.publishedCatalog().lists["wrmf"]?.items != backedUp)
        try store.restore(from: backup)
        #expect(try store.publishedCatalog().lists["wrmf"]?.items == backedUp)
        #expect(try store.publishedGeneration() > served, "servers see a new generation and reload")
        #expect(try store.counts() == CatalogStore(existingAt: backup).counts())
        #expect(!FileManager.default.fileExists(atPath: folder.file("backups/.before.sqlite.partial").path))
        #expect(throws: (any Error).self) { try store.restore(from: folder.file("nothing.sqlite").path) }
    }

    /// Check times are kept to the second: an age of zero must still take a model checked earlier in that second.
    @Test func anAgeOfZeroIncludesModelsCheckedInTheSameSecond() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models))
        let second = Date(timeIntervalSince1970: 1_800_000_000)
        for model in TinyCatalog.models { try store.recordThumbnailCheck(mid: model.mid.rawValue, url: "https://cdn/x.jpg", at: second.addingTimeInterval(0.2)) }
        #expect(try store.thumbnailsDue(checkedBefore: second.addingTimeInterval(0.9), limit: 100).count == TinyCatalog.models.count)
        #expect(try store.thumbnailsDue(checkedBefore: second.addingTimeInterval(-1), limit: 100).isEmpty)
    }

    @Test func readingCommandsOpenOnlyAnExistingDatabase() throws {
        let folder = try TemporaryDirectory()
        let missing = folder.file("typo/catalog.sqlite").path
        #expect(throws: CatalogStoreError.missingDatabase(path: missing)) { _ = try CatalogStore(existingAt: missing) }
        #expect(!FileManager.default.fileExists(atPath: folder.file("typo").path))
        #expect(throws: CatalogStoreError.notADatabaseFile(path: folder.url.path)) { _ = try CatalogStore(existingAt: folder.url.path) }
        _ = try folder.store("real.sqlite")
        #expect(try CatalogStore(existingAt: folder.file("real.sqlite").path).counts().models == 0)
    }

    @Test func importFoldsDuplicatesAndCountsUnknownModels() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        let unknown = ModelID("ffffffffffffffffffffffffffffffff")!
        var likes = TinyCatalog.likes
        likes.append(likes[0])
        likes.append(LikeRecord(modelName: "ghost", mid: unknown, user: "user1"))
        var features = TinyCatalog.features
        features.append(features[0])
        features.append(FeatureRecord(mid: unknown, kind: .tag, value: "ghost"))
        let summary = try store.importCatalog(CatalogImportBatch(
            models: TinyCatalog.models + [TinyCatalog.models[0]], likes: likes, features: features,
            curated: [ModelRecord(name: "ghost", mid: unknown)] + TinyCatalog.models.prefix(2)))
        #expect(summary.modelsAdded == 6)
        #expect(summary.duplicateModelRows == 1)
        #expect(summary.likesAdded == TinyCatalog.likes.count)
        #expect(summary.duplicateLikes == 1)
        #expect(summary.likesOfUnknownModels == 1)
        #expect(summary.usersAdded == 8)
        #expect(summary.featuresAdded == 12)
        #expect(summary.duplicateFeatures == 1)
        #expect(summary.featuresOfUnknownModels == 1)
        #expect(summary.curatedModels == 2)
        #expect(summary.curatedUnknownModels == 1)
        let counts = try store.counts()
        #expect(counts.models == 6 && counts.likes == TinyCatalog.likes.count && counts.curated == 2)
    }

    @Test func reimportRenamesAndKeepsEverythingElse() throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        var renamed = TinyCatalog.models
        renamed[0].name = "Red Car (remastered)"
        let summary = try store.importCatalog(CatalogImportBatch(models: renamed, likes: TinyCatalog.likes))
        #expect(summary.modelsAdded == 0 && summary.modelsUpdated == 1 && summary.likesAdded == 0)
        #expect(summary.duplicateLikes == TinyCatalog.likes.count)
    }

    @Test func likeCountsFollowTheLikes() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes))
        let expected = TinyCatalog.likes.filter { $0.mid == TinyCatalog.ids[0] }.count
        #expect(try await store.model(mid: TinyCatalog.ids[0].rawValue)?.likeCount == expected)
    }

    @Test func recommendationsAreStoredNormalisedAndReplacedWhole() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models))
        let snapshot = try store.trainingLikes()
        func run(_ name: String, order: Int) -> AlgorithmRun {
            AlgorithmRun(algorithm: name, title: name.uppercased(), description: "d", displayOrder: order,
                         parameters: ["k": "2"], trainedAt: Date(timeIntervalSince1970: 0), trainSeconds: 0.5)
        }
        func neighbours(_ offsets: [Int], _ scores: [Float]) -> [[(item: Int32, score: Float)]] {
            (0..<6).map { index -> [(item: Int32, score: Float)] in
                zip(offsets, scores).map { (item: Int32((index + $0) % 6), score: $1) }
            }
        }
        let lists = neighbours([1, 2], [0.9, 0.5])
        try store.saveRecommendations(run("second", order: 20), modelIDs: snapshot.modelIDs, neighbours: lists)
        try store.saveRecommendations(run("first", order: 10), modelIDs: snapshot.modelIDs, neighbours: lists)
        #expect(try store.counts().recommendations == 24)

        let page = try #require(try await store.modelPage(mid: TinyCatalog.ids[0].rawValue))
        #expect(page.1.map(\.algorithm) == ["first", "second"])
        #expect(page.1[0].models.map(\.mid) == [TinyCatalog.ids[1].rawValue, TinyCatalog.ids[2].rawValue])

        let shorter = neighbours([3], [0.7])
        try store.saveRecommendations(run("first", order: 10), modelIDs: snapshot.modelIDs, neighbours: shorter)
        #expect(try store.counts().recommendations == 18)
        let algorithms = try await store.algorithms()
        #expect(algorithms.map(\.algorithm) == ["first", "second"])
        #expect(algorithms[0].parameters == "{\"k\":\"2\"}")
    }

    /// The picker's rule lives in the publication's reader: the curated models sorted by name, else the 100 most
    /// liked sorted by name.
    @Test func pickerUsesTheCuratedListSortedByNameElseTheMostLiked() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        let many = (1...120).map { ModelRecord(name: "Model \($0)", mid: ModelID(String(format: "%032x", 0xabc000 + $0))!) }
        // Model n gets n likes, so the 100 most liked are models 21–120.
        let likes = many.enumerated().flatMap { index, model in
            (0...index).map { LikeRecord(modelName: model.name, mid: model.mid, user: "user\($0)") }
        }
        _ = try store.importCatalog(CatalogImportBatch(models: many, likes: likes))
        let fallback = try store.publishedCatalog()
        let names = fallback.picker.map { fallback.models[Int($0)].name }
        #expect(names.count == 100)
        #expect(Set(names) == Set((21...120).map { "Model \($0)" }), "the 100 most liked")
        #expect(names == names.sorted { $0.localizedCaseInsensitiveCompare($1) == .orderedAscending }, "sorted by name")
        _ = try store.importCatalog(CatalogImportBatch(models: [], curated: [many[2], many[0]]))
        let curated = try store.publishedCatalog()
        #expect(curated.picker.map { curated.models[Int($0)].name } == ["Model 1", "Model 3"])
    }

    @Test func unknownModelHasNoPage() async throws {
        let folder = try TemporaryDirectory()
        let store = try folder.store()
        #expect(try await store.modelPage(mid: TinyCatalog.ids[0].rawValue) == nil)
    }
}
