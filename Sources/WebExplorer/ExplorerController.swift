import CatalogFiles
import CatalogStore
import Foundation
import Hummingbird

/// The pages: the picker, a model with its carousels, the about page, and the original's `/index` URLs.
struct ExplorerController<Storage: ExplorerStorage>: Sendable {
    let storage: Storage
    let renderer: PageRenderer
    let cache: PageCache
    /// The picker's option list is on every page and changes only on import: it is kept at least a second even
    /// when pages are rendered per request, so an uncached page does not re-render a hundred options.
    let pickerCache: PageCache
    let names: ModelNameIndex
    /// The about page describes these, trained or not, in display order.
    let algorithmDescriptions: [(name: String, title: String, description: String)]

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/", use: index)
        router.get("/index", use: index)
        router.get("/models/:mid", use: model)
        router.get("/about", use: about)
        router.get("/search", use: search)
        router.get("/tags/:value") { request, context in try await feature(kind: "tag", request, context: context) }
        router.get("/categories/:value") { request, context in try await feature(kind: "category", request, context: context) }
    }

    /// `/tags/{tag}` and `/categories/{slug}`: the models nearest to a tag or category in the likes + tags model.
    func feature(kind: String, _ request: Request, context: BasicRequestContext) async throws -> Response {
        let raw = try context.parameters.require("value")
        let value = (raw.removingPercentEncoding ?? raw).lowercased()
        let key = FeatureKey(kind: kind, value: value)
        let page = try await cache.page("\(kind)/\(value)") { () async throws -> String in
            let models = try await storage.modelsNear(key, limit: 24)
            guard !models.isEmpty else { return "" }
            return try renderer.render("feature", PageViews.featurePage(key, models: models.map(\.model)))
        }
        guard !page.isEmpty else {
            return try await errorPage(.notFound, heading: "Nothing for this \(kind)",
                                       message: "No models are stored for the \(kind) “\(value)”: it is unknown, or the Likes + tags model has not been trained yet.")
        }
        return html(.ok, page)
    }

    /// `/` and `/index`: the picker, or a redirect when `mid` or `link` is given (the original's query URLs).
    @Sendable func index(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        if let mid = query["mid"].map(String.init), !mid.isEmpty {
            guard ModelID(mid) != nil else {
                return try await errorPage(.badRequest, heading: "That is not a model id",
                                           message: ModelID.problem(with: mid) ?? "")
            }
            return .redirect(to: "/models/\(mid)", type: .found)
        }
        if let link = query["link"].map(String.init) {
            switch SketchfabLink.modelID(from: link) {
            case .success(let mid):
                return .redirect(to: "/models/\(mid.rawValue)", type: .found)
            case .failure(let problem):
                return try await errorPage(.badRequest, heading: "That link could not be read",
                                           message: problem.description, link: link)
            }
        }
        let page = try await cache.page("home") {
            try renderer.render("home", PageViews.home(picker: try await pickerOptions()))
        }
        return html(.ok, page)
    }

    @Sendable func model(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let mid = try context.parameters.require("mid")
        guard ModelID(mid) != nil else {
            return try await errorPage(.notFound, heading: "No such model", message: ModelID.problem(with: mid) ?? "")
        }
        let page = try await cache.page("models/\(mid)") { () async throws -> String in
            guard let (model, lists) = try await storage.modelPage(mid: mid) else { return "" }
            let features = try await storage.modelFeatures(mid: mid)
            return try renderer.render("model", PageViews.modelPage(model, lists, picker: try await pickerOptions(),
                                                                carried: features.carried,
                                                                suggested: features.suggested.map(\.feature)))
        }
        guard !page.isEmpty else {
            return try await errorPage(.notFound, heading: "No recommendations for this model",
                                       message: "The model \(mid) is not in this catalogue, so there are no recommendations for it. Pick another one below.")
        }
        return html(.ok, page)
    }

    /// `/search?q=`: models whose names contain every word; an exact-looking id or link goes straight there.
    @Sendable func search(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let query = String((request.uri.queryParameters["q"] ?? "").prefix(200)).trimmingCharacters(in: .whitespaces)
        if query.isEmpty { return .redirect(to: "/", type: .found) }
        if case .success(let mid) = SketchfabLink.modelID(from: query), query.contains("/") || ModelID(query) != nil {
            return .redirect(to: "/models/\(mid.rawValue)", type: .found)
        }
        let results = try await names.search(query, limit: 48) { try await storage.allModels() }
        return html(.ok, try renderer.render("search", PageViews.searchPage(query: query, results: results,
                                                                       picker: try await pickerOptions())))
    }

    @Sendable func about(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let runs = try await storage.algorithms()
        let known = Set(algorithmDescriptions.map(\.name))
        var entries = algorithmDescriptions.map { description in
            (name: description.name, title: description.title, description: description.description,
             trained: runs.first { $0.algorithm == description.name })
        }
        for run in runs where !known.contains(run.algorithm) {
            entries.append((name: run.algorithm, title: run.title, description: run.description, trained: run))
        }
        return html(.ok, try renderer.render("about", PageViews.about(entries)))
    }

    func errorPage(_ status: HTTPResponse.Status, heading: String, message: String, link: String = "") async throws -> Response {
        return html(status, try renderer.render("error", PageViews.error(heading: heading, message: message,
                                                                    picker: try await pickerOptions(), link: link)))
    }

    func pickerOptions() async throws -> String {
        try await pickerCache.page("picker-options") {
            try renderer.render("picker-options", PageViews.pickerOptionsContext(try await storage.pickerModels(limit: 100)))
        }
    }
}

func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(string: body)))
}
