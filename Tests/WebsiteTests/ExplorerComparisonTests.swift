import CatalogFiles
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
@testable import Website

/// The model page's comparison (agreement, marks, baselines), "why this?", "For you" and the evaluation page,
/// through the router `serve` uses, on a real SQLite file.
@Suite(.timeLimit(.minutes(1))) struct ExplorerComparisonTests {
    let folder: TemporaryDirectory
    let store: CatalogStore
    static let ids = TinyCatalog.ids.map(\.rawValue)

    /// visual, wrmf and itemknn suggest the next two models; warp-tags the next one; wrmf says 3 users liked both
    /// and that they also liked the model three places on.
    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes,
                                                       features: TinyCatalog.features, curated: Array(TinyCatalog.models.prefix(4))))
        let snapshot = try store.trainingLikes()
        let nextTwo = (0..<6).map { index -> [(item: Int32, score: Float)] in
            [(item: Int32((index + 1) % 6), score: 0.9), (item: Int32((index + 2) % 6), score: 0.8)]
        }
        func run(_ name: String, _ title: String, _ order: Int) -> AlgorithmRun {
            AlgorithmRun(algorithm: name, title: title, description: title, displayOrder: order, parameters: [:],
                         trainedAt: Date(), trainSeconds: 0.1)
        }
        try store.saveRecommendations(run("itemknn", "Often liked together", 40), modelIDs: snapshot.modelIDs, neighbours: nextTwo)
        try store.saveRecommendations(run("visual", "Visually similar", 10), modelIDs: snapshot.modelIDs, neighbours: nextTwo)
        try store.saveRecommendations(run("wrmf", "Users who liked this also liked", 20), modelIDs: snapshot.modelIDs, neighbours: nextTwo,
                                      reasons: (0..<6).map { index in
                                          [LikeOverlap(coLikers: 3, connecting: [Int32((index + 3) % 6)]), LikeOverlap(coLikers: 0, connecting: [])]
                                      })
        try store.saveRecommendations(run("warp-tags", "Likes + tags", 30), modelIDs: snapshot.modelIDs,
                                      neighbours: (0..<6).map { [(item: Int32(($0 + 1) % 6), score: Float(0.7))] })
        // Two taste directions: the cars (0–2) along the first factor, the dragons (3–5) along the second.
        let vectors: [Float] = [1, 0, 0.9, 0.1, 0.8, 0, 0, 1, 0.1, 0.9, 0, 0.8]
        try store.saveFoldInFactors(algorithm: "wrmf", modelIDs: snapshot.modelIDs, factors: 2, regularization: 0.1, alpha: 10,
                                    vectors: vectors)
    }

    func withApp(storage: CatalogStore? = nil, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let site = try buildSite(ServeConfiguration(databasePath: store.path), storage: storage ?? store, renderer: try await PageRenderer())
        try await Application(router: site.router).test(.router, body)
    }

    func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func theModelPageComparesTheLeadingCarouselsAndHidesTheBaselines() async throws {
        try await withApp { client in
            try await client.execute(uri: "/models/\(Self.ids[0])", method: .get) { response in
                #expect(response.status == .ok)
                let page = text(response)
                let order = ["class=\"agreement\"", "Visually similar", "Users who liked this also liked", "Likes + tags",
                             "<details class=\"baselines\">", "Often liked together"].map { page.range(of: $0)?.lowerBound }
                #expect(order.allSatisfy { $0 != nil }, "every section is there")
                #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted(), "in the original's order, baselines last")
                // visual and wrmf suggest models 1 and 2, warp-tags model 1: both suggested models are shared.
                #expect(page.contains("<strong>2 of 2</strong> suggested models"))
                #expect(page.contains("visual &amp; likes: 2 · visual &amp; likes + tags: 1 · likes &amp; likes + tags: 1"))
                // The first visual card (model 1) is in the three other lists that hold it.
                let firstCard = try #require(page.range(of: "why-0-0")).lowerBound
                let marks = page[page.range(of: "<p class=\"also\">", range: page.startIndex..<firstCard)!.lowerBound..<firstCard]
                #expect(marks.contains(">likes<") && marks.contains(">likes + tags<") && marks.contains(">co-likes<"))
                #expect(!marks.contains(">visual<"), "a card is not marked with its own carousel")
            }
        }
    }

    @Test func eachCardSaysWhyItWasSuggested() async throws {
        try await withApp { client in
            try await client.execute(uri: "/models/\(Self.ids[0])", method: .get) { response in
                let page = text(response)
                #expect(page.contains("The thumbnails look alike: image similarity 0.90"))
                // wrmf's first suggestion: 3 co-likers who also liked model 3 (whose name is escaped).
                #expect(page.contains("3 people liked both; they also liked &lt;script&gt;alert(1)&lt;/script&gt;."))
                #expect(page.contains("No one liked both yet"))
                // Models 0 and 1 are both cars in the category cars-vehicles.
                #expect(page.contains("Both carry the tag “car” and the category “cars-vehicles”"))
                #expect(page.contains("aria-controls=\"why-1-0\"") && page.contains("id=\"why-1-0\""))
            }
            try await client.execute(uri: "/api/v1/models/\(Self.ids[0])/recommendations?algorithm=wrmf", method: .get) { response in
                let lists = try #require(try json(response)["lists"] as? [[String: Any]])
                let first = try #require((lists.first?["recommendations"] as? [[String: Any]])?.first)
                let why = try #require(first["why"] as? [String: Any])
                #expect(why["kind"] as? String == "co-likes")
                #expect(why["coLikers"] as? Int == 3)
                #expect(why["connecting"] as? [String] == [Self.ids[3]])
            }
            try await client.execute(uri: "/api/v1/models/\(Self.ids[0])/recommendations?algorithm=warp-tags", method: .get) { response in
                let lists = try #require(try json(response)["lists"] as? [[String: Any]])
                let why = try #require(((lists.first?["recommendations"] as? [[String: Any]])?.first)?["why"] as? [String: Any])
                #expect(why["kind"] as? String == "shared-features")
                #expect(why["tags"] as? [String] == ["car"])
                #expect(why["categories"] as? [String] == ["cars-vehicles"])
            }
        }
    }

    func post(_ client: some TestClientProtocol, _ body: String, type: String = "application/json") async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/recommendations", method: .post,
                                 headers: [.contentType: type], body: ByteBuffer(string: body))
    }

    @Test func forYouFoldsTheLikesInAndNeverReturnsThem() async throws {
        try await withApp { client in
            let cars = try json(try await post(client, "{\"liked\": [\"\(Self.ids[0])\", \"\(Self.ids[1])\"], \"limit\": 3}"))
            #expect(cars["algorithm"] as? String == "wrmf")
            let suggested = try #require(cars["recommendations"] as? [[String: Any]]).compactMap { ($0["model"] as? [String: Any])?["mid"] as? String }
            #expect(suggested.count == 3)
            #expect(suggested.first == Self.ids[2], "the remaining car comes first")
            #expect(!suggested.contains(Self.ids[0]) && !suggested.contains(Self.ids[1]), "liked models never come back")
            let dragons = try json(try await post(client, "{\"liked\": [\"\(Self.ids[4])\", \"\(String(repeating: "e", count: 32))\"]}"))
            let first = try #require((dragons["recommendations"] as? [[String: Any]])?.first?["model"] as? [String: Any])
            #expect([Self.ids[3], Self.ids[5]].contains(first["mid"] as? String ?? ""))
            #expect(dragons["unknown"] as? [String] == [String(repeating: "e", count: 32)])
            let nothingKnown = try json(try await post(client, "{\"liked\": []}"))
            #expect(nothingKnown["algorithm"] as? String == "popularity")
        }
    }

    @Test func forYouRefusesBadBodiesClearly() async throws {
        try await withApp { client in
            for (body, words) in [("not json", "not valid JSON"), ("{\"liked\": \"abc\"}", "liked has the wrong type"),
                                  ("{}", "field liked is missing"), ("{\"liked\": [\"x\"]}", "not a model id"),
                                  ("{\"liked\": [], \"limit\": 0}", "limit must be"), ("{\"liked\": [], \"limit\": null}", "limit has the wrong type")] {
                let response = try await post(client, body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(text(response).contains(words), "\(body): \(text(response))")
            }
            #expect(try await post(client, "{\"liked\": []}", type: "text/plain").status == .unsupportedMediaType)
            let tooBig = try await post(client, "{\"liked\": [" + String(repeating: "\"\(Self.ids[0])\",", count: 3000) + "]}")
            #expect(tooBig.status == .contentTooLarge)
            try await client.execute(uri: "/api/v1/recommendations", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/api/v1/algorithms", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
            }
        }
    }

    @Test func pagesLoadTheViewerOnlyOnRequestAndAllowOnlySketchfabFrames() async throws {
        try await withApp { client in
            try await client.execute(uri: "/models/\(Self.ids[0])", method: .get) { response in
                let page = text(response)
                #expect(page.contains("data-embed=\"https://sketchfab.com/models/\(Self.ids[0])/embed?autostart=1\""))
                #expect(!page.contains("<iframe"), "no third-party frame before a click")
                #expect(page.contains("class=\"heart big\" data-mid=\"\(Self.ids[0])\""))
                #expect(page.contains("id=\"for-you\""))
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("frame-src https://sketchfab.com;"))
                #expect(!policy.contains("unsafe-inline"))
            }
        }
    }

    @Test func theEvaluationPageDrawsTheStoredRun() async throws {
        try await withApp { client in
            try await client.execute(uri: "/evaluation", method: .get) { response in
                #expect(response.status == .ok)
                #expect(text(response).contains("No offline evaluation is stored in this catalogue yet"))
            }
        }
        let report = TinyCatalog.evaluationReport
        try store.saveEvaluation(report: Data(report.utf8))
        try await withApp { client in
            try await client.execute(uri: "/evaluation", method: .get) { response in
                let page = text(response)
                #expect(page.contains("<dt>users</dt><dd>1,200</dd>"))
                #expect(page.contains("<th scope=\"row\">wrmf</th><td>1.50 s</td><td>0.1200</td>"))
                #expect(page.contains("<th scope=\"row\">ease</th><td>0.40 s</td><td><strong>0.1300</strong></td>"), "the best in bold")
                #expect(page.contains("Settings chosen for this catalogue") && page.contains("<td>dropout 0.25, regularization 300</td>"),
                        "the settings search stored with the run")
                #expect(page.contains("as the carousels show them") && page.contains("<td>0.1300</td><td>0.1250</td>"),
                        "the model and its lists side by side")
                #expect(page.contains("<th scope=\"row\">popularity</th><td>0.01 s</td><td>0.0500</td>"))
                #expect(page.contains("aria-labelledby=\"bars-title\""), "the precision bar chart")
                #expect(page.contains("aria-labelledby=\"curves-title\""), "the learning curves")
                #expect(page.components(separatedBy: "<polyline").count - 1 == 2, "wrmf's test and train curves")
                #expect(!page.contains("<script>"), "drawn on the server")
            }
        }
    }
}
