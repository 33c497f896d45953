import AlgorithmIdentity
import CatalogFiles
import CatalogStore
import FakeSketchfab
import Foundation
import Hummingbird
import HummingbirdTesting
import ImageCodecs
import LiveModels
import SketchfabAPI
import Synchronization
import TestSupport
import Testing
import VisualFeatures
@testable import Website

/// Runs `body` with a fake Sketchfab on a free loopback port.
func withFake<T: Sendable>(_ fake: FakeSketchfab, _ body: @Sendable @escaping (String) async throws -> T) async throws -> T {
    let app = Application(router: fake.buildRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    let box = ResultBox<T>()
    try await app.test(.live) { client in box.value = try await body("http://127.0.0.1:\(client.port!)") }
    return box.value!
}

final class ResultBox<T>: @unchecked Sendable { var value: T? }

/// Set once, read from any task.
final class ManagedFlag: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var value: Bool { state.withLock { $0 } }
}

/// Models only the fake has, shown by a site whose catalogue is TinyCatalog with local thumbnails and their
/// classical features in the cache, as `train` leaves them.
@Suite(.serialized, .timeLimit(.minutes(3))) struct LiveModelPagesTests {
    let folder: TemporaryDirectory
    let store: CatalogStore
    static let fake = FakeCatalogue.generate(models: 30, seed: 5)
    static let catalogueIDs = TinyCatalog.ids.map(\.rawValue)

    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        let thumbnails = folder.url.appendingPathComponent("thumbs")
        try FileManager.default.createDirectory(at: thumbnails, withIntermediateDirectories: true)
        let models = TinyCatalog.models
        var features: [String: [Float]] = [:], local: [ModelID: String] = [:]
        let describe = VisualDescriptor.classical.makeDescriber()
        for (index, mid) in Self.catalogueIDs.enumerated() {
            local[TinyCatalog.ids[index]] = "\(mid).jpg"
            // The fake's images are coloured bands; half the catalogue looks like them.
            let image = index < 3 ? FakeSketchfab.thumbnail(uid: Self.fake.models[index].uid, side: 200)
                                  : RGBImage(width: 200, height: 200, fill: (UInt8(40 * index), 10, 200))
            let bytes = Data(try JPEGCodec.encode(image))
            try bytes.write(to: thumbnails.appendingPathComponent("\(mid).jpg"))
            features[ImageChecksum.of(bytes)] = describe(try ImageFile.decode([UInt8](bytes)))
        }
        // Five of the fake's first model's likers liked the catalogue's cars too.
        let likers = Self.fake.models[0].likers.prefix(5).flatMap { liker in
            (0..<2).map { LikeRecord(modelName: TinyCatalog.names[$0], mid: TinyCatalog.ids[$0], user: liker) }
        }
        _ = try store.importCatalog(CatalogImportBatch(models: models, likes: TinyCatalog.likes + likers, features: TinyCatalog.features,
                                                       curated: Array(models.prefix(4)), localThumbnails: local))
        try store.saveImageFeatures(features, descriptor: VisualDescriptor.classical.name)
        let modelIDs = try store.trainingLikes().modelIDs
        let visual = AlgorithmRun(algorithm: "visual", title: "Visually similar", description: "pixels", displayOrder: 10,
                                  parameters: ["descriptor": VisualDescriptor.classical.name], trainedAt: Date(), trainSeconds: 0.1)
        try store.saveRecommendations(visual, modelIDs: modelIDs, neighbours: (0..<6).map { [(item: Int32(($0 + 1) % 6), score: Float(0.9))] })
        // A likes model in two dimensions: cars along the first, dragons along the second.
        let wrmf = AlgorithmRun(algorithm: "wrmf", title: "Users who liked this also liked", description: "factors", displayOrder: 20,
                                parameters: [:], trainedAt: Date(), trainSeconds: 0.1)
        try store.saveRecommendations(wrmf, modelIDs: modelIDs, neighbours: (0..<6).map { [(item: Int32(($0 + 2) % 6), score: Float(0.5))] })
        var vectors: [Float] = []
        for index in 0..<6 {
            let small = Float(index) / 10
            vectors += index < 3 ? [1, small] : [small, 1]
        }
        try store.saveFoldInFactors(algorithm: "wrmf", modelIDs: modelIDs, factors: 2, regularization: 0.1, alpha: 1, vectors: vectors)
        // The Likes + tags model's vectors, as `train` stores them: cars along the first axis, dragons the second.
        let tagsRun = AlgorithmRun(algorithm: "warp-tags", title: "Likes + tags", description: "hybrid", displayOrder: 30,
                                   parameters: [:], trainedAt: Date(), trainSeconds: 0.1)
        try store.saveRecommendations(tagsRun, modelIDs: modelIDs, neighbours: (0..<6).map { [(item: Int32(($0 + 3) % 6), score: Float(0.4))] })
        let carKeys = [FeatureKey(kind: .tag, value: "car"), FeatureKey(kind: .category, value: "cars-vehicles")]
        let dragonKeys = [FeatureKey(kind: .tag, value: "dragon"), FeatureKey(kind: .category, value: "characters-creatures")]
        try store.saveHybridVectors(algorithm: "warp-tags", HybridVectors(
            factors: 2, features: carKeys + dragonKeys, featureVectors: [1, 0, 1, 0, 0, 1, 0, 1], modelIDs: modelIDs, itemVectors: vectors))
        try store.publish()
    }

    func site(_ base: String, rate: Double = 0, concurrency: Int = 4) async throws -> Site {
        var configuration = ServeConfiguration(databasePath: store.path, thumbnailsDirectory: folder.url.appendingPathComponent("thumbs").path)
        configuration.liveModels = LiveModelOptions(
            sketchfab: SketchfabClientConfiguration(apiBase: base, siteBase: base, requestsPerSecond: rate, timeout: .seconds(2),
                                                    maximumAttempts: 2, initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(20)),
            transport: .live(), settings: .init(capacity: 100, concurrency: concurrency))
        return try buildSite(configuration, storage: store, renderer: try await PageRenderer())
    }

    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (status: HTTPResponse.Status, body: String, retryAfter: String?) {
        try await client.execute(uri: uri, method: .get) { ($0.status, String(buffer: $0.body), $0.headers[.retryAfter]) }
    }

    @Test func aModelOnlyTheFakeHasGetsAPageWhoseCardsLeadIntoTheCatalogue() async throws {
        let fake = FakeSketchfab(catalogue: Self.fake)
        let uid = Self.fake.models[0].uid
        try await withFake(fake) { base in
            let site = try await site(base)
            #expect(site.liveImages?.count == 6, "the catalogue's six thumbnails, from the feature cache")
            let directory = site.liveModels
            try await Application(router: site.router).test(.router) { client in
                let page = try await get(client, "/models/\(uid)")
                #expect(page.status == .ok)
                #expect(page.body.contains("This model is not in the catalogue"))
                #expect(page.body.contains(Self.fake.models[0].name))
                #expect(page.body.contains("Visually similar"))
                let linked = Self.catalogueIDs.filter { page.body.contains("href=\"/models/\($0)\"") }
                #expect(linked.count >= 3, "cards lead into the catalogue")
                // Its likers the likes model knows liked the cars: the likes carousel leads there.
                let likes = try #require(page.body.range(of: "aria-label=\"Users who liked this also liked\""))
                let firstCard = page.body[likes.upperBound...].firstRange(of: "href=\"/models/").map { page.body[$0.upperBound...].prefix(32) }
                #expect(firstCard.map { Self.catalogueIDs.prefix(3).contains(String($0)) } == true, "a car first: \(firstCard ?? "none")")
                #expect(page.body.contains("from 5 of its likers the likes model knows"))
                #expect(!page.body.contains("data-algorithm"), "the script counts only catalogue pages")
                let afterFirst = fake.requestCount
                #expect(afterFirst == 3, "the model, its thumbnail and its likers")
                // A repeat view, the API, /?mid= and a pasted link come from memory.
                #expect(try await get(client, "/models/\(uid)").status == .ok)
                let detail = try await get(client, "/api/v1/models/\(uid)")
                #expect(detail.status == .ok && detail.body.contains("\"live\":true"))
                let lists = try await get(client, "/api/v1/models/\(uid)/recommendations")
                #expect(lists.body.contains("\"algorithm\":\"visual\"") && lists.body.contains("\"algorithm\":\"wrmf\"") && lists.body.contains("\"live\":true"))
                #expect(Self.catalogueIDs.contains { lists.body.contains($0) })
                // "For you" folds the live model in with its likers' factors: cars come first.
                let forYou = try await client.execute(uri: "/api/v1/recommendations", method: .post, headers: [.contentType: "application/json"],
                                                      body: ByteBuffer(string: "{\"liked\": [\"\(uid)\"], \"limit\": 3}")) { String(buffer: $0.body) }
                #expect(forYou.contains("\"algorithm\":\"wrmf\"") && forYou.contains("\"liked\":[\"\(uid)\"]"), "\(forYou)")
                let firstSuggested = forYou.firstRange(of: "\"mid\":\"").map { String(forYou[$0.upperBound...].prefix(32)) }
                #expect(firstSuggested.map { Self.catalogueIDs.prefix(3).contains($0) } == true, "a car first: \(forYou.prefix(300))")
                #expect(fake.requestCount == afterFirst)
                let reads = await directory?.reads
                #expect(reads == 1)
            }
        }
        // A restart serves the kept model without a fetch.
        let silent = FakeSketchfab(catalogue: Self.fake)
        try await withFake(silent) { base in
            let site = try await site(base)
            try await Application(router: site.router).test(.router) { client in
                let status = try await get(client, "/models/\(uid)").status
                #expect(status == .ok)
            }
            #expect(silent.requestCount == 0)
        }
        #expect(try store.liveModelCount() == 1)
    }

    /// A model is placed from the tags and categories the Likes + tags model knows, as training builds an item.
    @Test func aModelIsPlacedFromItsTags() async throws {
        let fake = FakeSketchfab(catalogue: Self.fake)
        let car = try #require(Self.fake.models.first { $0.tags.contains("car") && !$0.tags.contains("dragon") })
        let known = car.tags.filter { $0 == "car" }.count + car.categories.filter { ["cars-vehicles", "characters-creatures"].contains($0) }.count
        try await withFake(fake) { base in
            let site = try await site(base)
            #expect(site.liveTags?.items.count == 6)
            try await Application(router: site.router).test(.router) { client in
                let page = try await get(client, "/models/\(car.uid)")
                #expect(page.status == .ok)
                let tags = try #require(page.body.range(of: "aria-label=\"Likes + tags\""))
                #expect(page.body.contains("nearest to \(known) of its \(car.tags.count + car.categories.count) tags and categories"))
                if !car.categories.contains("characters-creatures") {
                    let firstCard = page.body[tags.upperBound...].firstRange(of: "href=\"/models/").map { page.body[$0.upperBound...].prefix(32) }
                    #expect(firstCard.map { Self.catalogueIDs.prefix(3).contains(String($0)) } == true, "a car first: \(firstCard ?? "none")")
                }
            }
        }
    }

    /// Forty visitors asking for the same new model at once cost one read of it.
    @Test func concurrentVisitorsShareOneRead() async throws {
        let fake = FakeSketchfab(catalogue: Self.fake, faults: FaultInjection(latency: .milliseconds(100)))
        let uid = Self.fake.models[1].uid
        try await withFake(fake) { base in
            let site = try await site(base)
            try await Application(router: site.router).test(.router) { client in
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for _ in 0..<40 { group.addTask { try await get(client, "/models/\(uid)").status } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.allSatisfy { $0 == .ok })
            }
            #expect(fake.requestCount == 3, "one read of the model, its thumbnail and its likers")
        }
    }

    /// However many models are asked for, requests to Sketchfab keep to the live rate.
    @Test func requestsKeepToTheLiveRate() async throws {
        let fake = FakeSketchfab(catalogue: Self.fake)
        let rate = 10.0
        try await withFake(fake) { base in
            let site = try await site(base, rate: rate, concurrency: 8)
            let started = ContinuousClock.now
            try await Application(router: site.router).test(.router) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for model in Self.fake.models[2..<10] { group.addTask { _ = try await get(client, "/models/\(model.uid)") } }
                    try await group.waitForAll()
                }
            }
            let elapsed = ContinuousClock.now - started
            let requests = fake.requestCount
            #expect(requests == 24, "eight models: each, its thumbnail and its likers")
            // Evenly spaced at the rate: n requests take at least (n − 1) / rate.
            #expect(elapsed >= .seconds(Double(requests - 1) / rate) * 0.95, "\(requests) requests in \(elapsed)")
        }
    }

    /// While live reads hang on a slow Sketchfab, catalogue pages are answered as usual: every one of them before
    /// the first live page is done.
    @Test func cataloguePagesAreUnaffectedWhileLiveReadsHang() async throws {
        let fake = FakeSketchfab(catalogue: Self.fake, faults: FaultInjection(latency: .seconds(1)))
        try await withFake(fake) { base in
            let site = try await site(base, concurrency: 2)
            try await Application(router: site.router).test(.router) { client in
                let liveDone = ManagedFlag()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for model in Self.fake.models[20..<26] {
                        group.addTask {
                            _ = try await get(client, "/models/\(model.uid)")
                            liveDone.set()
                        }
                    }
                    try await Task.sleep(for: .milliseconds(50))
                    for round in 0..<60 {
                        let page = try await get(client, "/models/\(Self.catalogueIDs[round % 6])")
                        #expect(page.status == .ok)
                    }
                    #expect(!liveDone.value, "sixty catalogue pages answered while the live reads were still waiting")
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test func failuresAreClearPagesWithTheRightStatus() async throws {
        let broken = Self.fake.models[12].uid
        let fake = FakeSketchfab(catalogue: Self.fake, faults: FaultInjection(brokenThumbnails: [broken]))
        try await withFake(fake) { base in
            let site = try await site(base)
            try await Application(router: site.router).test(.router) { client in
                let unknown = try await get(client, "/models/ffffffffffffffffffffffffffffffff")
                #expect(unknown.status == .notFound)
                #expect(unknown.body.contains("Sketchfab does not know this model"))
                let api = try await get(client, "/api/v1/models/ffffffffffffffffffffffffffffffff")
                #expect(api.status == .notFound && api.body.contains("Sketchfab does not know it"))
                let page = try await get(client, "/models/\(broken)")
                #expect(page.status == .ok)
                #expect(page.body.contains("its thumbnail could not be decoded"))
                #expect(page.body.contains("liked a model the likes model was trained on"), "none of its likers is in the catalogue")
                // Catalogue pages are unaffected.
                #expect(try await get(client, "/models/\(Self.catalogueIDs[0])").status == .ok)
            }
        }
        let down = FakeSketchfab(catalogue: Self.fake, faults: FaultInjection(serverErrors: 1))
        try await withFake(down) { base in
            let site = try await site(base)
            try await Application(router: site.router).test(.router) { client in
                let page = try await get(client, "/models/\(Self.fake.models[13].uid)")
                #expect(page.status == .serviceUnavailable)
                #expect(page.retryAfter == "60")
                #expect(page.body.contains("Sketchfab could not be reached just now"))
                let asked = down.requestCount
                // Remembered for a minute: no new request.
                #expect(try await get(client, "/models/\(Self.fake.models[13].uid)").status == .serviceUnavailable)
                #expect(down.requestCount == asked)
                let api = try await get(client, "/api/v1/models/\(Self.fake.models[13].uid)/recommendations")
                #expect(api.status == .serviceUnavailable && api.retryAfter == "60")
                #expect(try await get(client, "/models/\(Self.catalogueIDs[1])").status == .ok)
            }
        }
    }
}
