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

/// Caching headers, HEAD, security headers, the JSON API and the snapshot swap, through the router `serve` uses,
/// on a real SQLite file.
@Suite(.timeLimit(.minutes(1))) struct SnapshotServingTests {
    let folder: TemporaryDirectory
    let store: CatalogStore
    static let mid = TinyCatalog.ids[0].rawValue

    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes,
                                                       features: TinyCatalog.features, curated: Array(TinyCatalog.models.prefix(4))))
        try saveLists(shift: 1)
        try store.saveFeatureNeighbours(models: [FeatureKey(kind: .tag, value: "dragon"): [(try store.trainingLikes().modelIDs[4], 0.9)]],
                                        suggestions: [:])
    }

    /// Each model recommends the models `shift` and `shift + 1` after it.
    func saveLists(shift: Int) throws {
        let snapshot = try store.trainingLikes()
        let run = AlgorithmRun(algorithm: "itemknn", title: "Often liked together", description: "co-likes",
                               displayOrder: 40, parameters: [:], trainedAt: Date(), trainSeconds: 0.1)
        var lists: [[(item: Int32, score: Float)]] = []
        for index in 0..<6 {
            let next = Int32((index + shift) % 6), after = Int32((index + shift + 1) % 6)
            lists.append([(item: next, score: Float(0.9)), (item: after, score: Float(0.8))])
        }
        try store.saveRecommendations(run, modelIDs: snapshot.modelIDs, neighbours: lists)
    }

    func site(storage: some SiteStorage) async throws -> Site {
        try buildSite(ServeConfiguration(databasePath: store.path, aboutAlgorithms: [AlgorithmDescription(name: "itemknn", title: "Often liked together", description: "co-likes")]),
                      storage: storage, renderer: try await PageRenderer())
    }

    func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func pagesCarryAnETagAnswer304AndHEAD() async throws {
        let site = try await site(storage: store)
        try await Application(router: site.router).test(.router) { client in
            for uri in ["/", "/models/\(Self.mid)", "/about", "/search?q=car", "/tags/dragon", "/api/v1/models/\(Self.mid)"] {
                let etag = try await client.execute(uri: uri, method: .get) { response -> String in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.headers[.cacheControl]?.contains("max-age") == true, "\(uri)")
                    return try #require(response.headers[.eTag], "\(uri) has an ETag")
                }
                try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: etag]) { response in
                    #expect(response.status == .notModified, "\(uri)")
                    #expect(response.body.readableBytes == 0)
                }
                try await client.execute(uri: uri, method: .head) { response in
                    #expect(response.status == .ok, "HEAD \(uri)")
                    #expect(response.body.readableBytes == 0)
                    #expect(Int(response.headers[.contentLength] ?? "") ?? 0 > 0)
                    #expect(response.headers[.eTag] == etag)
                }
            }
            // Different pages, different tags.
            let first = try await client.execute(uri: "/models/\(Self.mid)", method: .get) { $0.headers[.eTag] }
            let second = try await client.execute(uri: "/models/\(TinyCatalog.ids[1].rawValue)", method: .get) { $0.headers[.eTag] }
            #expect(first != second)
        }
    }

    @Test func everyResponseCarriesTheSecurityHeadersAndPagesNeedNoInlineCode() async throws {
        let site = try await site(storage: store)
        try await Application(router: site.router).test(.router) { client in
            for uri in ["/", "/models/\(Self.mid)", "/models/nope", "/api/v1/algorithms", "/api/v1/nothing", "/static/app.css", "/healthz",
                        "/no/such/page", "/thumbnails/missing.jpg"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let policy = try #require(response.headers[.contentSecurityPolicy], "\(uri)")
                    #expect(!policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"), "\(uri)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] != nil, "\(uri)")
                    let body = text(response)
                    #expect(!body.contains("onerror="), "\(uri)")
                    #expect(!body.contains("<script>"), "\(uri): only external scripts")
                }
            }
        }
    }

    @Test func onlyHTTPSOrLocalThumbnailsAreRendered() {
        #expect(PageViews.safeThumbnail("https://media.sketchfab.com/x.jpg") == "https://media.sketchfab.com/x.jpg")
        #expect(PageViews.safeThumbnail("/thumbnails/abc.jpg") == "/thumbnails/abc.jpg")
        for hostile in ["http://example.com/x.jpg", "javascript:alert(1)", "data:image/png;base64,xx", "//evil/x.jpg", "/thumbnails/../secret", nil] {
            #expect(PageViews.safeThumbnail(hostile) == PageViews.placeholderThumbnail, "\(hostile ?? "nil")")
        }
    }

    @Test func hostileRequestsNeverGetA5xx() async throws {
        let site = try await site(storage: store)
        try await Application(router: site.router).test(.router) { client in
            let long = String(repeating: "a", count: 20_000)
            for uri in ["/search?q=\(long)", "/models/%FF%FE", "/tags/%FF", "/tags/%", "/models/../../etc/passwd", "/static/../Package.swift",
                        "/api/v1/models/%00", "/api/v1/search?q=\(long)&limit=\(long)", "/index?link=\(long)", "/index?mid=%FF",
                        "/api/v1/models/\(Self.mid)/recommendations?limit=-1", "/categories/\(long)", "/thumbnails/..%2F..%2Fetc%2Fpasswd"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status.code < 500, "\(uri.prefix(80)) answered \(response.status.code)")
                }
            }
        }
    }

    @Test func theAPIAnswersJSONAndProblems() async throws {
        let site = try await site(storage: store)
        try await Application(router: site.router).test(.router) { client in
            func json(_ uri: String, status: HTTPResponse.Status = .ok, type: String = "application/json") async throws -> [String: Any] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status, "\(uri)")
                    #expect(response.headers[.contentType] == type, "\(uri)")
                    return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], "\(uri)")
                }
            }
            let detail = try await json("/api/v1/models/\(Self.mid)")
            let model = try #require(detail["model"] as? [String: Any])
            #expect(model["mid"] as? String == Self.mid && model["name"] as? String == "Red Car")
            #expect(model["thumbnail"] is NSNull)
            #expect(detail["tags"] is [String])

            let lists = try await json("/api/v1/models/\(Self.mid)/recommendations?limit=1")
            let first = try #require((lists["lists"] as? [[String: Any]])?.first)
            #expect(first["algorithm"] as? String == "itemknn")
            let recommendations = try #require(first["recommendations"] as? [[String: Any]])
            #expect(recommendations.count == 1)
            #expect((recommendations[0]["model"] as? [String: Any])?["mid"] as? String == TinyCatalog.ids[1].rawValue)
            #expect(abs((recommendations[0]["score"] as? Double ?? 0) - 0.9) < 1e-6)

            let escaped = try await json("/api/v1/search?q=script")
            #expect(((escaped["results"] as? [[String: Any]])?.first?["name"] as? String) == "<script>alert(1)</script>")
            #expect((try await json("/api/v1/tags/dragon"))["models"] is [[String: Any]])
            #expect(((try await json("/api/v1/algorithms"))["algorithms"] as? [[String: Any]])?.count == 1)

            let problem = "application/problem+json"
            for (uri, status) in [("/api/v1/models/ffffffffffffffffffffffffffffffff", HTTPResponse.Status.notFound),
                                  ("/api/v1/models/not-an-id", .notFound), ("/api/v1/models/\(Self.mid)/recommendations?limit=0", .badRequest),
                                  ("/api/v1/models/\(Self.mid)/recommendations?limit=x", .badRequest),
                                  ("/api/v1/models/\(Self.mid)/recommendations?algorithm=No_Pe", .badRequest),
                                  ("/api/v1/models/\(Self.mid)/recommendations?algorithm=nope", .notFound),
                                  ("/api/v1/models/\(Self.mid)/recommendations?algorithm=wrmf", .notFound),
                                  ("/api/v1/search?q=", .badRequest), ("/api/v1/tags/unknown", .notFound), ("/api/v1/elsewhere", .notFound)] {
                let document = try await json(uri, status: status, type: problem)
                #expect(document["status"] as? Int == Int(status.code) && document["detail"] is String, "\(uri)")
            }
        }
    }

    @Test func homeShowsTheMostLikedAndRandomPicksAModel() async throws {
        let site = try await site(storage: store)
        try await Application(router: site.router).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let body = text(response)
                let mostLiked = try #require(try await store.allModels().first)
                #expect(body.contains("Most liked") && body.contains("href=\"/models/\(mostLiked.mid)\""))
                #expect(body.contains("href=\"/random\""))
            }
            for _ in 0..<5 {
                try await client.execute(uri: "/random", method: .get) { response in
                    #expect(response.status == .found)
                    #expect(response.headers[.cacheControl] == "no-store")
                    let location = try #require(response.headers[.location])
                    #expect(TinyCatalog.ids.contains { location == "/models/\($0.rawValue)" }, "\(location)")
                }
            }
        }
    }

    @Test func onlyGETAndHEADAreAllowed() async throws {
        let site = try await site(storage: store)
        try await Application(router: site.router).test(.router) { client in
            for (uri, method) in [("/api/v1/algorithms", HTTPRequest.Method.post), ("/models/\(Self.mid)", .delete), ("/", .put)] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == "GET, HEAD")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }

    /// The contract and the router agree: every API route the router holds is documented with its method, and
    /// every documented operation has a route (parameter names aside: `:value` and `{tag}` are both one segment).
    @Test func theOpenAPIDocumentDescribesExactlyTheRoutersAPIRoutes() async throws {
        let site = try await site(storage: store)
        @Sendable func shape(_ path: String) -> String {
            path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") || ($0.hasPrefix("{") && $0.hasSuffix("}")) ? "{}" : String($0) }
                .joined(separator: "/")
        }
        let routed = Set(site.router.routes.filter { "\($0.path)".hasPrefix("/api/") && $0.method != .head }
            .map { "\($0.method.rawValue) \(shape("\($0.path)"))" })
        #expect(routed.count >= 7, "the router lists its routes: \(site.router.routes)")
        try await Application(router: site.router).test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                let documented = Set(paths.flatMap { path, operations in
                    operations.keys.filter { ["get", "post", "put", "delete", "patch"].contains($0) }
                        .map { "\($0.uppercased()) \(shape(path))" }
                })
                #expect(routed.subtracting(documented).isEmpty, "routes without documentation: \(routed.subtracting(documented).sorted())")
                #expect(documented.subtracting(routed).isEmpty, "documented without a route: \(documented.subtracting(routed).sorted())")
            }
        }
    }

    /// The `algorithm=` parameter's enum in the contract is the list of algorithms the site can show, from the one
    /// place their names are written.
    @Test func theOpenAPIAlgorithmEnumIsTheTrainableAlgorithms() async throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(try await PageRenderer().openAPIDocument.utf8)) as? [String: Any])
        func enums(in value: Any) -> [[String]] {
            if let object = value as? [String: Any] {
                let own = (object["enum"] as? [String]).map { [$0] } ?? []
                return own + object.values.flatMap(enums)
            }
            if let array = value as? [Any] { return array.flatMap(enums) }
            return []
        }
        let algorithmEnums = enums(in: document).filter { $0.contains("wrmf") }
        #expect(!algorithmEnums.isEmpty, "openapi.json names the algorithms somewhere")
        for names in algorithmEnums {
            #expect(names == Algorithm.trainable.map(\.rawValue))
        }
        // Beside them, the names lists may be imported under, as ImportedName checks them.
        let text = try await PageRenderer().openAPIDocument
        #expect(text.contains(Recommender.importedNamePattern.replacingOccurrences(of: "\\", with: "\\\\")))
        let pattern = try Regex(Recommender.importedNamePattern)
        for name in ["implicit-als", "a1", "two-tower-v2"] { #expect(name.wholeMatch(of: pattern) != nil && ImportedName(rawValue: name) != nil) }
        for name in ["-a", "a--b", "A"] { #expect(name.wholeMatch(of: pattern) == nil && ImportedName(rawValue: name) == nil) }
    }

    /// A publication is picked up and swapped in; requests after it see the new lists. Nothing published: no reload.
    @Test func aPublishedRetrainIsSwappedIn() async throws {
        let site = try await site(storage: store)
        let before = site.holder.current
        let reloader = site.reloader, holder = site.holder
        try await Application(router: site.router).test(.router) { client in
            let page = { try await client.execute(uri: "/models/\(Self.mid)", method: .get) { text($0) } }
            #expect(try await page().contains("href=\"/models/\(TinyCatalog.ids[1].rawValue)\""))
            #expect(await reloader.reload(onlyIfPublished: true, reason: "test") == false)
            try saveLists(shift: 3)
            try store.publish()
            #expect(await reloader.reload(onlyIfPublished: true, reason: "test"))
            #expect(holder.current.generation == before.generation + 1)
            let after = try await page()
            #expect(after.contains("href=\"/models/\(TinyCatalog.ids[3].rawValue)\""))
            #expect(!after.contains("href=\"/models/\(TinyCatalog.ids[1].rawValue)\""))
        }
    }

    /// A snapshot that fails to load is logged and the one in use stays.
    @Test func aSnapshotThatFailsToLoadKeepsTheOldOne() async throws {
        let storage = FlakyStorage(store: store)
        let site = try await site(storage: storage)
        let before = site.holder.current
        try store.publish()
        storage.failing.withLock { $0 = true }
        #expect(await site.reloader.reload(onlyIfPublished: true, reason: "test") == false)
        #expect(site.holder.current === before)
        storage.failing.withLock { $0 = false }
        #expect(await site.reloader.reload(onlyIfPublished: true, reason: "test"))
        #expect(site.holder.current !== before)
    }
}

/// The real store, but its snapshot read can be made to fail.
final class FlakyStorage: SiteStorage {
    struct Broken: Error {}
    let store: CatalogStore
    let failing = Mutex(false)
    init(store: CatalogStore) { self.store = store }
    func publishedCatalog() throws -> PublishedCatalog {
        if failing.withLock({ $0 }) { throw Broken() }
        return try store.publishedCatalog()
    }
    func publishedGeneration() throws -> Int64 { try store.publishedGeneration() }
    func ping() async throws -> Int { try await store.ping() }
    /// Visitors' counts: their writes fail while `countsFailing` is set.
    let countsFailing = Mutex(false)
    func addVisitorCounts(cards: [VisitorCardRow], pairs: [VisitorPairRow]) throws {
        if countsFailing.withLock({ $0 }) { throw Broken() }
        try store.addVisitorCounts(cards: cards, pairs: pairs)
    }
    func visitorCounts() throws -> (cards: [VisitorCardRow], pairs: [VisitorPairRow]) { try store.visitorCounts() }
}

import Synchronization
