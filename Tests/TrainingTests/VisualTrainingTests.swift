import CatalogFiles
import CatalogStore
import Foundation
import ImageCodecs
import TestSupport
import Testing
import Training
import VisualFeatures

@Suite struct VisualTrainingTests {
    /// Models 0–2 get warm striped thumbnails, 3 and 4 cool ringed ones, model 5 a damaged file.
    func catalogue(_ folder: TemporaryDirectory) throws -> CatalogStore {
        let thumbnails = folder.url.appendingPathComponent("thumbnails")
        try FileManager.default.createDirectory(at: thumbnails, withIntermediateDirectories: true)
        var files: [ModelID: String] = [:]
        for (index, mid) in TinyCatalog.ids.enumerated() {
            var pixels: [UInt8] = []
            for y in 0..<80 {
                for x in 0..<80 {
                    if index < 3 {
                        pixels += (x + index) / 8 % 2 == 0 ? [230, 60 + UInt8(index * 10), 20] : [250, 220, 180]
                    } else {
                        let d = (x - 40) * (x - 40) + (y - 40) * (y - 40)
                        pixels += d / (100 + index * 10) % 2 == 0 ? [20, 60, 220] : [10, 20, 60]
                    }
                }
            }
            let bytes = try index == 5 ? Array("not an image".utf8) : JPEGCodec.encode(RGBImage(width: 80, height: 80, pixels: pixels))
            try Data(bytes).write(to: thumbnails.appendingPathComponent("\(mid.rawValue).jpg"))
            files[mid] = "\(mid.rawValue).jpg"
        }
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes, localThumbnails: files))
        return store
    }

    @Test func neighboursLookAlikeDamagedImagesAreSkippedAndTheCacheIsUsed() async throws {
        let folder = try TemporaryDirectory()
        let store = try catalogue(folder)
        var lines: [String] = []
        let options = TrainingOptions(algorithms: [.visual], neighbours: 2, threads: 2,
                                      thumbnailsDirectory: folder.url.appendingPathComponent("thumbnails"))
        let result = try Trainer.run(options, store: store) { lines.append($0) }
        #expect(result[0].modelsWithRecommendations == 5)
        #expect(lines.contains { $0.contains("5 thumbnails described (5 new, 0 from cache)") && $0.contains("1 unreadable") })
        for index in 0..<3 {
            let page = try #require(try await store.modelPage(mid: TinyCatalog.ids[index].rawValue))
            let similar = Set(page.1[0].models.map(\.mid))
            #expect(similar.isSubset(of: Set(TinyCatalog.ids[0..<3].map(\.rawValue))))
        }
        let damaged = try #require(try await store.modelPage(mid: TinyCatalog.ids[5].rawValue))
        #expect(damaged.1.isEmpty)
        lines = []
        _ = try Trainer.run(options, store: store) { lines.append($0) }
        #expect(lines.contains { $0.contains("(0 new, 5 from cache)") })
    }

    /// Thumbnails described in three shards (as three machines would) and merged give the feature cache a single
    /// `train` fills, bit for bit; a missing shard or a shard given twice is refused by name.
    @Test func shardedAndMergedFeaturesEqualOneMachinesBitForBit() throws {
        let folder = try TemporaryDirectory()
        let single = try catalogue(folder)
        let thumbnails = folder.url.appendingPathComponent("thumbnails")
        _ = try Trainer.run(TrainingOptions(algorithms: [.visual], neighbours: 2, threads: 2, thumbnailsDirectory: thumbnails), store: single)
        var checksums: [String] = []
        for mid in TinyCatalog.ids.prefix(5) {
            checksums.append(VisualTrainingChecksum.of(try Data(contentsOf: thumbnails.appendingPathComponent("\(mid.rawValue).jpg"))))
        }
        let expected = try single.cachedImageFeatures(checksums: checksums, descriptor: VisualDescriptor.classical.name)
        #expect(expected.count == 5)

        let shards = (1...3).map { folder.file("shard-\($0).jsonl") }
        var described = 0
        for (index, file) in shards.enumerated() {
            let shard = try #require(FeatureShard("\(index + 1)/3"))
            described += try FeatureShardFile.describe(thumbnails: thumbnails, shard: shard, descriptor: .classical, threads: 2, output: file).images
        }
        #expect(described == 5, "every readable image in exactly one shard")
        let merged = try folder.store("merged.sqlite")
        #expect(try FeatureShardFile.merge(shards, into: merged) == 5)
        let got = try merged.cachedImageFeatures(checksums: checksums, descriptor: VisualDescriptor.classical.name)
        for checksum in checksums {
            #expect(got[checksum]?.map(\.bitPattern) == expected[checksum]?.map(\.bitPattern), "\(checksum)")
        }
        #expect(throws: FeatureShardError.self) { try FeatureShardFile.merge(Array(shards.prefix(2)), into: merged) }
        #expect(throws: FeatureShardError.self) { try FeatureShardFile.merge([shards[0], shards[0], shards[1], shards[2]], into: merged) }
        #expect(FeatureShard("0/3") == nil && FeatureShard("4/3") == nil && FeatureShard("x") == nil && FeatureShard("2/3") != nil)
    }

    /// Another descriptor (mean colour of 4 quadrants) has its own cache entries, and PCA runs before ranking; the
    /// run's parameters name both, which is what the page's label reads.
    @Test func descriptorsHaveSeparateCachesAndPCAIsRecorded() async throws {
        let folder = try TemporaryDirectory()
        let store = try catalogue(folder)
        let quadrants = VisualDescriptor(name: "test-quadrant-colours", dimension: 12) {
            { image in
                var sums = [Float](repeating: 0, count: 12)
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        let quadrant = (y * 2 / image.height) * 2 + x * 2 / image.width
                        for c in 0..<3 { sums[quadrant * 3 + c] += Float(image.pixels[(y * image.width + x) * 3 + c]) }
                    }
                }
                return sums
            }
        }
        let thumbnails = folder.url.appendingPathComponent("thumbnails")
        _ = try Trainer.run(TrainingOptions(algorithms: [.visual], neighbours: 2, thumbnailsDirectory: thumbnails), store: store)
        var lines: [String] = []
        _ = try Trainer.run(TrainingOptions(algorithms: [.visual], neighbours: 2, thumbnailsDirectory: thumbnails,
                                            visualDescriptor: quadrants, visualPrincipalComponents: 3), store: store) { lines.append($0) }
        #expect(lines.contains { $0.contains("test-quadrant-colours") && $0.contains("(5 new, 0 from cache)") })
        #expect(lines.contains { $0.contains("PCA 12 → 3") })
        let page = try #require(try await store.modelPage(mid: TinyCatalog.ids[3].rawValue))
        let visual = try #require(page.1.first { $0.algorithm == "visual" })
        #expect(visual.parameters.contains("test-quadrant-colours") && visual.parameters.contains("\"pca\":\"3\""))
        #expect(visual.models.map(\.mid) == [TinyCatalog.ids[4].rawValue])
    }

    @Test func visualWithoutAThumbnailsFolderIsAClearError() throws {
        let folder = try TemporaryDirectory()
        let store = try catalogue(folder)
        #expect(throws: TrainingError.self) { _ = try Trainer.run(TrainingOptions(algorithms: [.visual]), store: store) }
        #expect(!TrainingOptions().algorithms.contains(.visual))
    }
}
