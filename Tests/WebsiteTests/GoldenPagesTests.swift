import CatalogFiles
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
@testable import Website

/// Every page type and every API answer, rendered from one small fixed catalogue and compared byte for byte with
/// the files in `Tests/GoldenPages/`: a change of layout (moving code between targets, splitting a type) must leave
/// what a visitor receives exactly as it was. A golden file that is missing is written and the test fails, so a
/// new case is looked at once before it guards anything; `RECASKETCH_RECORD_GOLDEN=1` rewrites them all (after a
/// change of the pages that is meant).
@Suite(.timeLimit(.minutes(2))) struct GoldenPagesTests {
    static let ids = TinyCatalog.ids.map(\.rawValue)
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("GoldenPages", isDirectory: true)

    /// One request and the name of the file holding its answer.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var uri: String
        var method: HTTPRequest.Method = .get
        var body: String?
        var testDescription: String { "\(method.rawValue) \(uri)" }
    }

    static let cases: [Case] = [
        Case(name: "home", uri: "/"),
        Case(name: "index-mid-redirect", uri: "/index?mid=\(ids[0])"),
        Case(name: "index-mid-invalid", uri: "/index?mid=nope"),
        Case(name: "index-link-redirect", uri: "/index?link=https://sketchfab.com/3d-models/red-car-\(ids[0])"),
        Case(name: "index-link-unreadable", uri: "/index?link=https://example.com/elsewhere"),
        Case(name: "model", uri: "/models/\(ids[0])"),
        Case(name: "model-escaped-name", uri: "/models/\(ids[3])"),
        Case(name: "model-head", uri: "/models/\(ids[1])", method: .head),
        Case(name: "model-not-in-catalogue", uri: "/models/ffffffffffffffffffffffffffffffff"),
        Case(name: "model-invalid-id", uri: "/models/not-a-model"),
        Case(name: "search", uri: "/search?q=car"),
        Case(name: "search-nothing", uri: "/search?q=zeppelin"),
        Case(name: "search-id-redirect", uri: "/search?q=\(ids[2])"),
        Case(name: "search-empty-redirect", uri: "/search?q=%20"),
        Case(name: "tag", uri: "/tags/dragon"),
        Case(name: "tag-unknown", uri: "/tags/zeppelin"),
        Case(name: "category", uri: "/categories/cars-vehicles"),
        Case(name: "about", uri: "/about"),
        Case(name: "evaluation", uri: "/evaluation"),
        Case(name: "healthz", uri: "/healthz"),
        Case(name: "unknown-path", uri: "/no/such/page"),
        Case(name: "method-not-allowed", uri: "/about", method: .delete),
        Case(name: "api-algorithms", uri: "/api/v1/algorithms"),
        Case(name: "api-model", uri: "/api/v1/models/\(ids[0])"),
        Case(name: "api-model-unknown", uri: "/api/v1/models/ffffffffffffffffffffffffffffffff"),
        Case(name: "api-recommendations", uri: "/api/v1/models/\(ids[0])/recommendations"),
        Case(name: "api-recommendations-one-algorithm", uri: "/api/v1/models/\(ids[4])/recommendations?algorithm=wrmf&limit=1"),
        Case(name: "api-recommendations-unknown-algorithm", uri: "/api/v1/models/\(ids[0])/recommendations?algorithm=nope"),
        Case(name: "api-recommendations-untrained-algorithm", uri: "/api/v1/models/\(ids[0])/recommendations?algorithm=popularity"),
        Case(name: "api-recommendations-bad-limit", uri: "/api/v1/models/\(ids[0])/recommendations?limit=0"),
        Case(name: "api-search", uri: "/api/v1/search?q=dragon&limit=5"),
        Case(name: "api-search-empty", uri: "/api/v1/search"),
        Case(name: "api-tag", uri: "/api/v1/tags/car"),
        Case(name: "api-category", uri: "/api/v1/categories/characters-creatures"),
        Case(name: "api-category-unknown", uri: "/api/v1/categories/zeppelins"),
        Case(name: "api-unknown-path", uri: "/api/v1/nothing"),
        Case(name: "api-for-you", uri: "/api/v1/recommendations", method: .post, body: "{\"liked\": [\"\(ids[0])\", \"\(ids[1])\"], \"limit\": 3}"),
        Case(name: "api-for-you-bad-body", uri: "/api/v1/recommendations", method: .post, body: "{\"liked\": 3}"),
        Case(name: "api-for-you-wrong-method", uri: "/api/v1/recommendations"),
    ]

    /// The fixed catalogue: TinyCatalog with visual, wrmf (with its reasons and fold-in factors), warp-tags and
    /// itemknn lists, tags and categories placed by the hybrid model, a suggested tag, and a stored evaluation.
    static func catalogue(in folder: TemporaryDirectory) throws -> CatalogStore {
        let store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes,
                                                       features: TinyCatalog.features, curated: Array(TinyCatalog.models.prefix(4))),
                                    now: Date(timeIntervalSince1970: 1_700_000_000))
        let snapshot = try store.trainingLikes()
        let trainedAt = Date(timeIntervalSince1970: 1_700_000_100)
        func run(_ name: String, _ title: String, _ order: Int, _ parameters: [String: String] = [:]) -> AlgorithmRun {
            AlgorithmRun(algorithm: name, title: title, description: "How \(title) works.", displayOrder: order,
                         parameters: parameters, trainedAt: trainedAt, trainSeconds: 0.25)
        }
        let nextTwo = (0..<6).map { index -> [(item: Int32, score: Float)] in
            [(item: Int32((index + 1) % 6), score: 0.9), (item: Int32((index + 2) % 6), score: 0.8)]
        }
        try store.saveRecommendations(run("visual", "Visually similar", 10, ["descriptor": "classical-colour-edges-v1"]),
                                      modelIDs: snapshot.modelIDs, neighbours: nextTwo.map { Array($0.reversed()) })
        try store.saveRecommendations(run("wrmf", "Users who liked this also liked", 20, ["factors": "2"]),
                                      modelIDs: snapshot.modelIDs, neighbours: nextTwo,
                                      reasons: (0..<6).map { index in
                                          [LikeOverlap(coLikers: 3, connecting: [Int32((index + 3) % 6)]), LikeOverlap(coLikers: 0, connecting: [])]
                                      })
        try store.saveRecommendations(run("warp-tags", "Likes + tags", 30), modelIDs: snapshot.modelIDs,
                                      neighbours: (0..<6).map { [(item: Int32(($0 + 1) % 6), score: Float(0.7))] })
        try store.saveRecommendations(run("itemknn", "Often liked together", 40), modelIDs: snapshot.modelIDs,
                                      neighbours: nextTwo)
        try store.saveFeatureNeighbours(
            models: [FeatureKey(kind: .tag, value: "dragon"): [(snapshot.modelIDs[4], 0.9), (snapshot.modelIDs[3], 0.8)],
                     FeatureKey(kind: .tag, value: "car"): [(snapshot.modelIDs[0], 0.9), (snapshot.modelIDs[2], 0.6)],
                     FeatureKey(kind: .category, value: "cars-vehicles"): [(snapshot.modelIDs[0], 0.7), (snapshot.modelIDs[1], 0.6)],
                     FeatureKey(kind: .category, value: "characters-creatures"): [(snapshot.modelIDs[5], 0.7)]],
            suggestions: [snapshot.modelIDs[0]: [(FeatureKey(kind: .tag, value: "racing"), 0.5)]])
        let vectors: [Float] = [1, 0, 0.9, 0.1, 0.8, 0, 0, 1, 0.1, 0.9, 0, 0.8]
        try store.saveFoldInFactors(algorithm: "wrmf", modelIDs: snapshot.modelIDs, factors: 2, regularization: 0.1, alpha: 10,
                                    vectors: vectors)
        let report = TinyCatalog.evaluationReport
        try store.saveEvaluation(report: Data(report.utf8), recordedAt: Date(timeIntervalSince1970: 1_700_000_200))
        return store
    }

    /// Status, the headers a client acts on, and the body, as one text.
    static func transcript(_ response: TestResponse) -> String {
        var text = "\(response.status.code)\n"
        for name in [HTTPField.Name.contentType, .cacheControl, .eTag, .location, .allow, .contentLength] {
            if let value = response.headers[name] { text += "\(name): \(value)\n" }
        }
        return text + "\n" + String(buffer: response.body)
    }

    @Test(arguments: cases) func theAnswerIsAsRecorded(_ example: Case) async throws {
        let folder = try TemporaryDirectory()
        let store = try Self.catalogue(in: folder)
        let configuration = ServeConfiguration(
            databasePath: store.path,
            aboutAlgorithms: [AlgorithmDescription(name: "visual", title: "Visually similar", description: "Thumbnails that look alike."),
                                    AlgorithmDescription(name: "wrmf", title: "Users who liked this also liked", description: "Matrix factorisation."),
                                    AlgorithmDescription(name: "popularity", title: "Most liked", description: "The most liked models.")])
        // A fixed day, so the online section's window reads the same on any date.
        let site = try buildSite(configuration, storage: store, renderer: try await PageRenderer(),
                                 counter: VisitorCounter(now: { Date(timeIntervalSince1970: 1_764_892_800) }))
        let answer = try await Application(router: site.router).test(.router) { client in
            let headers: HTTPFields = example.body == nil ? [:] : [.contentType: "application/json"]
            return try await client.execute(uri: example.uri, method: example.method, headers: headers,
                                            body: example.body.map { ByteBuffer(string: $0) }) { Self.transcript($0) }
        }
        let file = Self.folder.appendingPathComponent("\(example.name).txt")
        let record = ProcessInfo.processInfo.environment["RECASKETCH_RECORD_GOLDEN"] == "1"
        guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try Data(answer.utf8).write(to: file)
            if !record { Issue.record("\(file.lastPathComponent) was missing: written now, look at it and run again") }
            return
        }
        #expect(answer == expected, "\(example.testDescription) differs from \(file.lastPathComponent)")
    }
}
