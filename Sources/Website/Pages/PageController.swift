import CatalogFiles
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import LiveModels

/// The pages: the picker, a model with its carousels, tags and categories, search, the about page, and the
/// original's `/index` URLs. Each takes the current catalogue once and assembles ready fragments from it.
struct PageController: Sendable {
    let holder: ServedCatalogHolder
    let renderer: PageRenderer
    let skeletons: PageSkeletons
    let online: OnlineSection
    /// With `serve --live-models`: models outside the catalogue, read from Sketchfab.
    let live: LiveModelDirectory?

    func addRoutes(to router: Router<BasicRequestContext>) {
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/", method: method, use: index)
            router.on("/index", method: method, use: index)
            router.on("/models/:mid", method: method, use: model)
            router.on("/about", method: method, use: about)
            router.on("/evaluation", method: method, use: evaluation)
            router.on("/random", method: method, use: random)
            router.on("/search", method: method, use: search)
            router.on("/tags/:value", method: method) { request, context in try feature(.tag, request, context: context) }
            router.on("/categories/:value", method: method) { request, context in try feature(.category, request, context: context) }
        }
    }

    /// `/tags/{tag}` and `/categories/{slug}`: the models the likes + tags model places nearest.
    func feature(_ kind: FeatureKind, _ request: Request, context: BasicRequestContext) throws -> Response {
        let catalog = holder.current
        let feature = try RequestParsing.feature(kind, context)
        let value = feature.value
        guard let models = catalog.snapshot.models(near: feature) else {
            return try errorPage(request, catalog, .notFound, heading: "Nothing for this \(kind.rawValue)",
                                 message: "No models are stored for the \(kind.rawValue) “\(value)”: it is unknown, or the Likes + tags model has not been trained yet.")
        }
        let heading = kind == .tag ? "Models for the tag “\(value)”" : "Models for the category “\(value)”"
        return PageResponse.page(request, catalog: catalog, key: "\(kind.rawValue)/\(value)") { buffer in
            skeletons.feature.write(into: &buffer) { slot, buffer in
                switch slot {
                case .title, .heading: buffer.writeString(HTML.escape(heading))
                case .kind: buffer.writeString(kind.rawValue)
                case .cards: catalog.pages.gridCards.write(models.prefix(24), into: &buffer)
                }
            }
        }
    }

    /// `/` and `/index`: the picker, or a redirect when `mid` or `link` is given (the original's query URLs).
    @Sendable func index(_ request: Request, context: BasicRequestContext) throws -> Response {
        let catalog = holder.current
        let query = request.uri.queryParameters
        if let mid = query["mid"].map(String.init), !mid.isEmpty {
            guard ModelID(mid) != nil else {
                return try errorPage(request, catalog, .badRequest, heading: "That is not a model id",
                                     message: ModelID.problem(with: mid) ?? "")
            }
            return .redirect(to: "/models/\(mid)", type: .found)
        }
        if let link = query["link"].map(String.init) {
            switch SketchfabLink.modelID(from: link) {
            case .success(let mid):
                return .redirect(to: "/models/\(mid.rawValue)", type: .found)
            case .failure(let problem):
                return try errorPage(request, catalog, .badRequest, heading: "That link could not be read",
                                     message: problem.description, link: link)
            }
        }
        return PageResponse.page(request, catalog: catalog, key: "home") { $0.writeBytes(catalog.pages.home) }
    }

    @Sendable func model(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let catalog = holder.current
        let mid = try context.parameters.require("mid")
        guard ModelID(mid) != nil else {
            return try errorPage(request, catalog, .notFound, heading: "No such model", message: ModelID.problem(with: mid) ?? "")
        }
        guard let model = catalog.snapshot.model(mid) else {
            if let live { return try await livePage(mid, live: live, request, catalog) }
            return try errorPage(request, catalog, .notFound, heading: "No recommendations for this model",
                                 message: "The model \(mid) is not in this catalogue, so there are no recommendations for it. Pick another one below.")
        }
        return PageResponse.page(request, catalog: catalog, key: "m\(model)") { buffer in
            skeletons.writeModelPage(model, of: catalog, into: &buffer)
        }
    }

    /// `/search?q=`: models whose names contain every word; an exact-looking id or link goes straight there.
    @Sendable func search(_ request: Request, context: BasicRequestContext) throws -> Response {
        let catalog = holder.current
        let query = RequestParsing.searchQuery(request)
        if query.isEmpty { return .redirect(to: "/", type: .found) }
        if case .success(let mid) = SketchfabLink.modelID(from: query), query.contains("/") || ModelID(query) != nil {
            return .redirect(to: "/models/\(mid.rawValue)", type: .found)
        }
        let results = catalog.snapshot.search(query, limit: 48)
        let heading = results.isEmpty ? "Nothing found for “\(query)”" : "Models whose names match “\(query)”"
        return PageResponse.page(request, catalog: catalog, key: "search?\(query)") { buffer in
            skeletons.search.write(into: &buffer) { slot, buffer in
                switch slot {
                case .title: buffer.writeString(HTML.escape("Search: \(query)"))
                case .pickerOptions: buffer.writeBytes(catalog.pages.pickerOptions)
                case .query: buffer.writeString(HTML.escape(query))
                case .link: break
                case .heading: buffer.writeString(HTML.escape(heading))
                case .results:
                    if results.isEmpty {
                        buffer.writeBytes(skeletons.searchEmpty)
                    } else {
                        buffer.writeString("<ul class=\"grid\">\n")
                        catalog.pages.gridCards.write(results, into: &buffer)
                        buffer.writeString("</ul>\n")
                    }
                }
            }
        }
    }

    /// `/random`: "surprise me", a different model each time (never cached).
    @Sendable func random(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current.snapshot
        guard snapshot.modelCount > 0 else { return .redirect(to: "/", type: .found) }
        var response = Response.redirect(to: "/models/\(snapshot.models[Int.random(in: 0..<snapshot.modelCount)].mid)", type: .found)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func about(_ request: Request, context: BasicRequestContext) throws -> Response {
        let catalog = holder.current
        return PageResponse.page(request, catalog: catalog, key: "about") { $0.writeBytes(catalog.pages.about) }
    }

    /// `/evaluation`: the newest stored offline evaluation, rendered with the catalogue, around "What visitors
    /// click" for `?days=` (the server's `--days` when absent).
    @Sendable func evaluation(_ request: Request, context: BasicRequestContext) throws -> Response {
        let catalog = holder.current
        let days: Int?
        do { days = try EventsController.days(request.uri.queryParameters["days"], default: online.defaultDays) } catch {
            return try errorPage(request, catalog, .badRequest, heading: "That window of days could not be read", message: error.detail)
        }
        let section = try online.html(days: days, catalog: catalog)
        // The counts change by the second: revalidated after 5 seconds, not the catalogue pages' 60.
        return PageResponse.page(request, catalog: catalog, key: "evaluation/\(section.tag)", maxAge: 5) { buffer in
            buffer.writeBytes(catalog.pages.evaluation.head)
            buffer.writeBytes(section.html)
            buffer.writeBytes(catalog.pages.evaluation.tail)
        }
    }

    /// A model outside the catalogue (`serve --live-models`): its page from the kept live model, read from Sketchfab
    /// first if need be; 404 when Sketchfab does not know it, 503 with Retry-After when Sketchfab cannot be reached.
    func livePage(_ mid: String, live: LiveModelDirectory, _ request: Request, _ catalog: ServedCatalog) async throws -> Response {
        let found: LiveModel
        do {
            found = try await live.model(mid)
        } catch .unknownToSketchfab {
            return try errorPage(request, catalog, .notFound, heading: "Sketchfab does not know this model",
                                 message: "Sketchfab has no public model \(mid), so there is nothing to suggest after it. Check the link, or pick another model below.")
        } catch .unreachable(_, let retryAfter) {
            var response = try errorPage(request, catalog, .serviceUnavailable, heading: "Sketchfab could not be reached just now",
                                         message: "The model \(mid) is not in this catalogue, and Sketchfab did not answer in time to read it. Try again in a minute, or pick a model below.")
            response.headers[.retryAfter] = String(retryAfter.components.seconds)
            return response
        }
        var page = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        try skeletons.writeLiveModelPage(found, of: catalog, renderer: renderer, into: &page)
        let rendered = page
        return PageResponse.page(request, catalog: catalog, key: "live/\(mid)/\(found.fetchedAt.timeIntervalSince1970)") {
            $0.writeImmutableBuffer(rendered)
        }
    }

    /// Error pages are rare: rendered per request, never cached by the client.
    func errorPage(_ request: Request, _ catalog: ServedCatalog, _ status: HTTPResponse.Status, heading: String,
                   message: String, link: String = "") throws -> Response {
        let body = try renderer.render("error", PageViews.error(heading: heading, message: message,
                                                                 picker: String(decoding: catalog.pages.pickerOptions, as: UTF8.self),
                                                                 link: link))
        return PageResponse.uncached(request, status: status, contentType: "text/html; charset=utf-8", body: ByteBuffer(string: body))
    }
}
