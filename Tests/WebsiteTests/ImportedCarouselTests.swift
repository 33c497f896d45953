import AlgorithmIdentity
import CatalogFiles
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
@testable import Website

/// Lists brought in from a recommender built elsewhere are a carousel like a built-in one: on the page, in the
/// API, in the mixed carousel and in the visitor counts.
@Suite(.timeLimit(.minutes(2))) struct ImportedCarouselTests {
    let folder: TemporaryDirectory
    let store: CatalogStore
    static let ids = TinyCatalog.ids.map(\.rawValue)
    static let page = ids[0]

    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes,
                                                       curated: Array(TinyCatalog.models.prefix(4))))
        let modelIDs = try store.trainingLikes().modelIDs
        for (algorithm, offset) in [(Algorithm.visual, 1), (.wrmf, 2), (.itemKNN, 3)] {
            let run = AlgorithmRun(algorithm: algorithm.rawValue, title: algorithm.title, description: algorithm.description,
                                   displayOrder: algorithm.displayOrder, parameters: [:], trainedAt: Date(), trainSeconds: 0.1)
            try store.saveRecommendations(run, modelIDs: modelIDs,
                                          neighbours: (0..<6).map { [(item: Int32(($0 + offset) % 6), score: Float(1))] })
        }
        // implicit-als suggests model i+4, then i+1.
        let run = AlgorithmRun(algorithm: "implicit-als", title: "implicit's ALS, trained outside", description: "From a notebook.",
                               displayOrder: Recommender.importedDisplayOrder, parameters: ["source": "lists.psv"], trainedAt: Date(),
                               trainSeconds: 0)
        var lists: [[(model: Int64, score: Float)]] = []
        for index in 0..<6 {
            lists.append([(model: modelIDs[(index + 4) % 6], score: 0.9), (model: modelIDs[(index + 1) % 6], score: 0.5)])
        }
        try store.replaceImportedLists(ImportedLists(run: run, models: modelIDs, lists: lists))
    }

    func withSite(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let site = try buildSite(ServeConfiguration(databasePath: store.path), storage: store, renderer: try await PageRenderer(),
                                 counter: VisitorCounter())
        try await Application(router: site.router).test(.router) { client in try await body(client) }
    }

    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .get) { ($0.status, String(buffer: $0.body)) }
    }

    @Test func theCarouselFollowsTheLeadingOnesMarkedAsBroughtIn() async throws {
        try await withSite { client in
            let (status, page) = try await get(client, "/models/\(Self.page)")
            #expect(status == .ok)
            let carousel = try #require(page.range(of: "data-algorithm=\"implicit-als\""))
            let wrmf = try #require(page.range(of: "data-algorithm=\"wrmf\""))
            let baselines = try #require(page.range(of: "class=\"baselines\""))
            #expect(wrmf.lowerBound < carousel.lowerBound && carousel.lowerBound < baselines.lowerBound,
                    "after the leading carousels, before the baselines' disclosure, so the page mixes it in")
            #expect(page.contains("implicit&#39;s ALS, trained outside") || page.contains("implicit's ALS, trained outside"))
            #expect(page.contains(">brought in</span>"))
            let section = page[carousel.lowerBound...].prefix(4000)
            #expect(section.contains("href=\"/models/\(Self.ids[4])\""), "its first suggestion")
        }
    }

    @Test func theOfflineTableMarksItsRowAsBroughtIn() async throws {
        try store.saveEvaluation(report: Data("""
            {"split": {"users": 8, "items": 6, "train_interactions": 20, "test_interactions": 4, "test_users": 2},
             "algorithms": [{"name": "wrmf", "fit_seconds": 0.1, "precision@10": 0.2},
                            {"name": "implicit-als", "fit_seconds": 0, "precision@10": 0.1}]}
            """.utf8))
        try await withSite { client in
            let page = try await get(client, "/evaluation").1
            #expect(page.contains("<th scope=\"row\">implicit-als <span class=\"brought-in-mark\""))
            #expect(page.contains("<th scope=\"row\">wrmf</th>"))
        }
    }

    @Test func theAPIListsItAndFiltersByItsName() async throws {
        try await withSite { client in
            let (status, body) = try await get(client, "/api/v1/models/\(Self.page)/recommendations?algorithm=implicit-als")
            #expect(status == .ok)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let lists = try #require(object["lists"] as? [[String: Any]])
            #expect(lists.count == 1 && lists[0]["algorithm"] as? String == "implicit-als")
            let first = try #require((lists[0]["recommendations"] as? [[String: Any]])?.first?["model"] as? [String: Any])
            #expect(first["mid"] as? String == Self.ids[4])
            #expect(try await get(client, "/api/v1/models/\(Self.page)/recommendations?algorithm=two-tower").0 == .notFound)
            #expect(try await get(client, "/api/v1/models/\(Self.page)/recommendations?algorithm=Two_Tower").0 == .badRequest)
            let algorithms = try #require(try JSONSerialization.jsonObject(with: Data(try await get(client, "/api/v1/algorithms").1.utf8))
                as? [String: Any])
            let imported = (algorithms["algorithms"] as? [[String: Any]] ?? []).map { ($0["algorithm"] as? String ?? "", $0["imported"] as? Bool) }
            #expect(imported.first { $0.0 == "implicit-als" }?.1 == true && imported.first { $0.0 == "wrmf" }?.1 == false)
        }
    }

    @Test func visitorsClicksOnItAreCountedAndComparedInTheMix() async throws {
        let ids = Self.ids, page = Self.page
        let body = """
            {"events": [
              {"type": "impression", "page": "\(page)", "carousel": "implicit-als", "models": ["\(ids[4])", "\(ids[1])"]},
              {"type": "impression", "page": "\(page)", "carousel": "picked", "models": ["\(ids[4])", "\(ids[2])"], "placed_by": ["implicit-als", "wrmf"]},
              {"type": "click", "page": "\(page)", "carousel": "picked", "model": "\(ids[4])", "position": 0, "credited": "implicit-als", "rankers": ["visual", "wrmf", "implicit-als"], "first": true}
            ]}
            """
        try await withSite { client in
            let response = try await client.execute(uri: "/api/v1/events", method: .post, headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(string: body)) { $0.status }
            #expect(response == .noContent)
            let wrongList = """
                {"type": "impression", "page": "\(page)", "carousel": "implicit-als", "models": ["\(ids[2])"]}
                """
            let refused = try await client.execute(uri: "/api/v1/events", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: wrongList)) { ($0.status, String(buffer: $0.body)) }
            #expect(refused.0 == .unprocessableContent && refused.1.contains("implicit-als list"))
            let report = try #require(try JSONSerialization.jsonObject(with: Data(try await get(client, "/api/v1/evaluation/online").1.utf8))
                as? [String: Any])
            let rows = (report["algorithms"] as? [[String: Any]] ?? []).map { $0["algorithm"] as? String }
            #expect(rows.contains("implicit-als"))
            let pairs = (report["pairs"] as? [[String: Any]] ?? []).filter { $0["a"] as? String == "implicit-als" || $0["b"] as? String == "implicit-als" }
            #expect(pairs.count == 2, "against visual and against wrmf")
        }
    }
}
