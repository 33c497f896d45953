import CatalogFiles
import AlgorithmIdentity
import CatalogSnapshot
import CatalogStore
import Foundation
import TestSupport
import Testing

/// The in-memory snapshot, built from a real SQLite file: lookups, search, the lists' overlaps and the reasons.
@Suite(.timeLimit(.minutes(1))) struct CatalogSnapshotTests {
    let folder: TemporaryDirectory
    let store: CatalogStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes, features: TinyCatalog.features))
        let likes = try store.trainingLikes()
        func run(_ name: String, _ order: Int) -> AlgorithmRun {
            AlgorithmRun(algorithm: name, title: name, description: name, displayOrder: order, parameters: [:],
                         trainedAt: Date(timeIntervalSince1970: 0), trainSeconds: 0)
        }
        let nextTwo = (0..<6).map { index -> [(item: Int32, score: Float)] in
            [(item: Int32((index + 1) % 6), score: 0.9), (item: Int32((index + 2) % 6), score: 0.8)]
        }
        try store.saveRecommendations(run("visual", 10), modelIDs: likes.modelIDs, neighbours: nextTwo)
        try store.saveRecommendations(run("warp-tags", 30), modelIDs: likes.modelIDs,
                                      neighbours: (0..<6).map { [(item: Int32(($0 + 1) % 6), score: Float(0.7))] })
        try store.saveRecommendations(run("newer-trainer", 50), modelIDs: likes.modelIDs, neighbours: nextTwo)
    }

    @Test func searchFindsEveryWordPrefixesFirstAndIgnoresCaseAndAccents() throws {
        let snapshot = CatalogSnapshot(try store.publishedCatalog())
        let names = { (models: [Int32]) in models.map { snapshot.models[Int($0)].name } }
        #expect(Set(names(snapshot.search("car", limit: 10))) == ["Red Car", "Blue Car | Fan Art", "Green Car"])
        #expect(names(snapshot.search("DRAGON", limit: 10)).first?.hasPrefix("Dragon") == true)
        #expect(names(snapshot.search("fän art blue", limit: 10)) == ["Blue Car | Fan Art"])
        #expect(snapshot.search("car", limit: 1).count == 1)
        #expect(snapshot.search("   ", limit: 10).isEmpty)
        #expect(snapshot.search("zeppelin", limit: 10).isEmpty)
    }

    @Test func listsOverlapsAndReasonsComeFromTheStoredRows() throws {
        let snapshot = CatalogSnapshot(try store.publishedCatalog())
        #expect(snapshot.carousels.map(\.info.algorithm) == ["visual", "warp-tags", "newer-trainer"])
        #expect(snapshot.carousels[2].algorithm == .imported(ImportedName(rawValue: "newer-trainer")!) && snapshot.carousels[2].isBaseline)
        let first = try #require(snapshot.model(TinyCatalog.ids[0].rawValue))
        #expect(snapshot.model("ffffffffffffffffffffffffffffffff") == nil)
        // visual's first suggestion (model 1) is also warp-tags' and the newer trainer's.
        let entry = snapshot.carousels[0].entries(of: first).lowerBound
        #expect(snapshot.overlaps.marks[0][entry] == 0b110)
        let leading = try #require(snapshot.overlaps.leadingTops(of: first))
        #expect(leading.map(\.algorithm) == [.known(.visual), .known(.warpTags)], "baselines are not compared")
        // warp-tags explains by the tag and category both cars carry.
        let warpEntry = snapshot.carousels[1].entries(of: first).lowerBound
        guard case .sharedFeatures(let shared, _) = snapshot.explanation(carousel: 1, entry: warpEntry, from: first) else {
            Issue.record("warp-tags explains with shared features")
            return
        }
        #expect(Set(shared.map { snapshot.overlaps.features[Int($0)] })
            == [FeatureKey(kind: .tag, value: "car"), FeatureKey(kind: .category, value: "cars-vehicles")])
        #expect(snapshot.explanation(carousel: 0, entry: entry, from: first) == .similarity(0.9))
        #expect(snapshot.explanation(carousel: 2, entry: entry, from: first) == .score(0.9))
    }
}
