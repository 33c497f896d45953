import CatalogFiles
import CatalogStore
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Mustache
import Prometheus
import Testing
@testable import Website

/// Every route, through the router without a socket, on a real SQLite file.
@Suite(.timeLimit(.minutes(1))) struct ExplorerRouteTests {
    let folder: TemporaryDirectory
    let store: CatalogStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try folder.store()
        _ = try store.importCatalog(CatalogImportBatch(models: TinyCatalog.models, likes: TinyCatalog.likes,
                                                       features: TinyCatalog.features + [
                                                           FeatureRecord(mid: TinyCatalog.ids[0], kind: .tag, value: "low poly/car")],
                                                       curated: Array(TinyCatalog.models.prefix(4))))
        let snapshot = try store.trainingLikes()
        let run = AlgorithmRun(algorithm: "itemknn", title: "Often liked together", description: "co-likes",
                               displayOrder: 40, parameters: [:], trainedAt: Date(), trainSeconds: 0.1)
        let visual = AlgorithmRun(algorithm: "visual", title: "Visually similar", description: "pixels",
                                  displayOrder: 10, parameters: ["descriptor": "classical-colour-edges-v1"],
                                  trainedAt: Date(), trainSeconds: 0.1)
        // Each model recommends the next two models in the list.
        let lists = (0..<6).map { index -> [(item: Int32, score: Float)] in
            [(item: Int32((index + 1) % 6), score: 0.9), (item: Int32((index + 2) % 6), score: 0.8)]
        }
        try store.saveRecommendations(run, modelIDs: snapshot.modelIDs, neighbours: lists)
        try store.saveRecommendations(visual, modelIDs: snapshot.modelIDs, neighbours: lists.map { Array($0.reversed()) })
        try store.saveFeatureNeighbours(
            models: [FeatureKey(kind: .tag, value: "dragon"): [(snapshot.modelIDs[4], 0.9), (snapshot.modelIDs[3], 0.8)],
                     FeatureKey(kind: .category, value: "cars-vehicles"): [(snapshot.modelIDs[0], 0.7)]],
            suggestions: [snapshot.modelIDs[0]: [(FeatureKey(kind: .tag, value: "racing"), 0.5)]])
        let thumbnails = folder.url.appendingPathComponent("thumbs")
        try FileManager.default.createDirectory(at: thumbnails, withIntermediateDirectories: true)
        _ = try folder.write("thumbs/\(TinyCatalog.ids[0].rawValue).jpg", "fake jpeg")
    }

    func withApp(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let configuration = ServeConfiguration(
            databasePath: store.path,
            thumbnailsDirectory: folder.url.appendingPathComponent("thumbs").path,
            aboutAlgorithms: [AlgorithmDescription(name: "visual", title: "Visually similar", description: "Thumbnails that look alike."),
                                    AlgorithmDescription(name: "wrmf", title: "Users who liked this also liked", description: "Matrix factorisation.")])
        let site = try buildSite(configuration, storage: store, renderer: try await PageRenderer())
        try await Application(router: site.router).test(.router, body)
    }

    func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// A template that fails to render is a server error, not an empty page or a misleading 404. Page templates are
    /// split into fragments when the site starts; error pages are rendered per request, so a missing error template
    /// shows up as a 500 on the first error page.
    @Test func aTemplateThatFailsToRenderAnswers500() async throws {
        var library = MustacheLibrary()
        for name in PageRenderer.requiredTemplates where name != "error" {
            let template = switch name {
            case "carousel": "<section>{{{cards}}}</section>"
            case "baselines": "<details>{{{carousels}}}</details>"
            default: "<p>{{name}}</p>"
            }
            try library.register(template, named: name)
        }
        let site = try buildSite(ServeConfiguration(databasePath: store.path), storage: store, renderer: PageRenderer(library: library))
        try await Application(router: site.router).test(.router) { client in
            try await client.execute(uri: "/models/ffffffffffffffffffffffffffffffff", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(text(response).contains("could not be rendered"))
            }
            try await client.execute(uri: "/models/\(Self.mid)", method: .get) { response in
                #expect(response.status == .ok, "pages whose templates are there still render")
            }
        }
    }

    static let mid = TinyCatalog.ids[0].rawValue

    /// Every answer is counted per route, method and status in the registry `/metrics` shows, errors included.
    @Test func answersAreCountedPerRouteAndStatus() async throws {
        let registry = PrometheusCollectorRegistry()
        let site = try buildSite(ServeConfiguration(databasePath: store.path), storage: store, renderer: try await PageRenderer(), metrics: registry)
        try await Application(router: site.router).test(.router) { client in
            for _ in 0..<2 { _ = try await client.execute(uri: "/models/\(Self.mid)", method: .get) }
            _ = try await client.execute(uri: "/models/ffffffffffffffffffffffffffffffff", method: .get)
            try await client.execute(uri: "/metrics", method: .get) { response in
                let lines = text(response).split(separator: "\n")
                let pages = lines.filter { $0.hasPrefix("hb_requests{") && $0.contains("/models/") && $0.contains("\"200\"") }
                #expect(pages.count == 1 && pages.first?.hasSuffix(" 2") == true, "\(pages)")
                #expect(lines.contains { $0.hasPrefix("hb_requests{") && $0.contains("\"404\"") && $0.hasSuffix(" 1") })
                #expect(lines.contains { $0.hasPrefix("http_server_request_duration") && $0.contains("/models/") })
            }
        }
    }

    @Test func pickerListsTheCuratedModelsEscaped() async throws {
        try await withApp { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let body = text(response)
                #expect(body.contains("Blue Car | Fan Art"))
                #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(!body.contains("<script>alert(1)"))
                #expect(!body.contains("Dragon Skull"))  // not curated
                #expect(body.contains("name=\"viewport\""))
            }
        }
    }

    @Test func visualCarouselNamesTheCNNWhenItMadeTheList() async throws {
        let snapshot = try store.trainingLikes()
        let cnn = AlgorithmRun(algorithm: "visual", title: "Visually similar", description: "pixels", displayOrder: 10,
                               parameters: ["descriptor": "efficientnet-lite0-imagenet-224px", "dimensions": "1280"],
                               trainedAt: Date(), trainSeconds: 0.1)
        try store.saveRecommendations(cnn, modelIDs: snapshot.modelIDs, neighbours: (0..<6).map { [(item: Int32(($0 + 3) % 6), score: Float(0.5))] })
        try await withApp { client in
            try await client.execute(uri: "/models/\(Self.mid)", method: .get) { response in
                let body = text(response)
                #expect(body.contains("visual · EfficientNet-Lite0 CNN features (ImageNet)"))
                #expect(!body.contains("colour layout and edge orientations"))
            }
        }
    }

    @Test func modelPageShowsTheModelAndCarouselsInDisplayOrder() async throws {
        try await withApp { client in
            try await client.execute(uri: "/models/\(Self.mid)", method: .get) { response in
                #expect(response.status == .ok)
                let body = text(response)
                #expect(body.contains("https://sketchfab.com/models/\(Self.mid)"))
                #expect(body.contains("/thumbnails/") == false)  // no thumbnails imported: placeholder
                #expect(body.contains("/static/placeholder.svg"))
                let visual = try #require(body.range(of: "Visually similar"))
                let itemKNN = try #require(body.range(of: "Often liked together"))
                #expect(visual.lowerBound < itemKNN.lowerBound)
                #expect(body.contains("visual · colour layout and edge orientations"))
                #expect(body.contains("href=\"/models/\(TinyCatalog.ids[1].rawValue)\""))
                #expect(body.contains("target=\"_blank\""))
                #expect(body.contains("class=\"track\" tabindex=\"0\""))
                #expect(body.contains("<option value=\"\(Self.mid)\" selected>"))
            }
        }
    }

    @Test func scriptNamesAreEscapedOnModelPages() async throws {
        try await withApp { client in
            // Model 1 recommends models 2 and 3; model 3 is named <script>alert(1)</script>.
            try await client.execute(uri: "/models/\(TinyCatalog.ids[3].rawValue)", method: .get) { response in
                let body = text(response)
                #expect(response.status == .ok)
                #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(!body.contains("<script>alert(1)"))
            }
            try await client.execute(uri: "/models/\(TinyCatalog.ids[1].rawValue)", method: .get) { response in
                #expect(!text(response).contains("<script>alert(1)"))
            }
        }
    }

    @Test func unknownAndMalformedModelsAre404() async throws {
        try await withApp { client in
            try await client.execute(uri: "/models/ffffffffffffffffffffffffffffffff", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(text(response).contains("no recommendations"))
            }
            try await client.execute(uri: "/models/%3Cscript%3E", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(!text(response).contains("<script>"))
            }
        }
    }

    @Test func originalQueryURLsRedirect() async throws {
        try await withApp { client in
            try await client.execute(uri: "/index?mid=\(Self.mid)", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/models/\(Self.mid)")
            }
            let link = "https://sketchfab.com/3d-models/red-car-\(Self.mid)?ref=x"
            let encoded = link.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/index?link=\(encoded)", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/models/\(Self.mid)")
            }
            try await client.execute(uri: "/?mid=b7LzIm8JrnPw4GBDOMBNGYc39qM", method: .get) { response in
                #expect(response.headers[.location] == "/models/b7LzIm8JrnPw4GBDOMBNGYc39qM")
            }
        }
    }

    @Test func unreadableLinksGetA400ThatSaysWhy() async throws {
        try await withApp { client in
            try await client.execute(uri: "/index?link=nolink", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(text(response).contains("not to sketchfab.com"))
            }
            let hostile = "https://sketchfab.com/models/\"><script>alert(1)</script>"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/index?link=\(hostile)", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(!text(response).contains("<script>alert(1)"))
            }
            try await client.execute(uri: "/index?mid=DROP%20TABLE", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func aboutDescribesEveryAlgorithm() async throws {
        try await withApp { client in
            try await client.execute(uri: "/about", method: .get) { response in
                let body = text(response)
                #expect(response.status == .ok)
                #expect(body.contains("Thumbnails that look alike."))
                #expect(body.contains("not trained in this catalogue yet"))  // wrmf
                #expect(body.contains("co-likes"))  // trained, though not in the descriptions
            }
        }
    }

    @Test func modelPageLinksItsTagsAndSuggestions() async throws {
        try await withApp { client in
            try await client.execute(uri: "/models/\(Self.mid)", method: .get) { response in
                let body = text(response)
                #expect(body.contains("href=\"/tags/car\""))
                #expect(body.contains("href=\"/categories/cars-vehicles\""))
                #expect(body.contains("href=\"/tags/low%20poly%2Fcar\""))  // encoded as one path segment
                #expect(body.contains("Tags it could carry:"))
                #expect(body.contains("href=\"/tags/racing\""))
            }
        }
    }

    @Test func tagAndCategoryPagesListTheNearestModels() async throws {
        try await withApp { client in
            try await client.execute(uri: "/tags/dragon", method: .get) { response in
                #expect(response.status == .ok)
                let body = text(response)
                let first = try #require(body.range(of: TinyCatalog.ids[4].rawValue))
                let second = try #require(body.range(of: TinyCatalog.ids[3].rawValue))
                #expect(first.lowerBound < second.lowerBound)
                #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            }
            try await client.execute(uri: "/categories/cars-vehicles", method: .get) { response in
                #expect(response.status == .ok)
                #expect(text(response).contains(TinyCatalog.ids[0].rawValue))
            }
            try await client.execute(uri: "/tags/%3Cscript%3E", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(!text(response).contains("<script>"))
            }
        }
    }

    @Test func searchFindsNamesByEveryWordAndEscapesTheQuery() async throws {
        try await withApp { client in
            try await client.execute(uri: "/search?q=CAR", method: .get) { response in
                #expect(response.status == .ok)
                let body = text(response)
                for index in 0..<3 { #expect(body.contains("href=\"/models/\(TinyCatalog.ids[index].rawValue)\"")) }
                #expect(!body.contains("href=\"/models/\(TinyCatalog.ids[4].rawValue)\""))
                #expect(body.contains("value=\"CAR\""))
            }
            try await client.execute(uri: "/search?q=blue%20fan", method: .get) { response in
                let body = text(response)
                #expect(body.contains(TinyCatalog.ids[1].rawValue))
                #expect(!body.contains("href=\"/models/\(TinyCatalog.ids[0].rawValue)\""))
            }
            try await client.execute(uri: "/search?q=%3Cscript%3Ealert", method: .get) { response in
                let body = text(response)
                #expect(body.contains("href=\"/models/\(TinyCatalog.ids[3].rawValue)\""))
                #expect(!body.contains("<script>alert"))
            }
            try await client.execute(uri: "/search?q=zebra", method: .get) { response in
                #expect(text(response).contains("Nothing found"))
            }
            try await client.execute(uri: "/search?q=\(TinyCatalog.ids[2].rawValue)", method: .get) { response in
                #expect(response.headers[.location] == "/models/\(TinyCatalog.ids[2].rawValue)")
            }
            try await client.execute(uri: "/search?q=", method: .get) { response in
                #expect(response.status == .found)
            }
        }
    }

    @Test func healthStaticAndThumbnails() async throws {
        try await withApp { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(text(response) == "ok\n")
            }
            try await client.execute(uri: "/static/app.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(text(response).contains("scroll-snap-type"))
            }
            try await client.execute(uri: "/thumbnails/\(Self.mid).jpg", method: .get) { response in
                #expect(response.status == .ok)
                #expect(text(response) == "fake jpeg")
            }
            try await client.execute(uri: "/thumbnails/../catalog.sqlite", method: .get) { response in
                #expect(response.status != .ok)
            }
            try await client.execute(uri: "/no/such/page", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
