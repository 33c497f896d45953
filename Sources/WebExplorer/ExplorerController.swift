import CatalogFiles
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird

/// The pages: the picker, a model with its carousels, tags and categories, search, the about page, and the
/// original's `/index` URLs. Each takes the current snapshot once and assembles ready fragments from it.
struct ExplorerController: Sendable {
    let holder: SnapshotHolder
    let renderer: PageRenderer
    let skeletons: PageSkeletons

    func addRoutes(to router: Router<BasicRequestContext>) {
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/", method: method, use: index)
            router.on("/index", method: method, use: index)
            router.on("/models/:mid", method: method, use: model)
            router.on("/about", method: method, use: about)
            router.on("/evaluation", method: method, use: evaluation)
            router.on("/random", method: method, use: random)
            router.on("/search", method: method, use: search)
            router.on("/tags/:value", method: method) { request, context in try feature(kind: "tag", request, context: context) }
            router.on("/categories/:value", method: method) { request, context in try feature(kind: "category", request, context: context) }
        }
    }

    /// `/tags/{tag}` and `/categories/{slug}`: the models the likes + tags model places nearest.
    func feature(kind: String, _ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        let raw = try context.parameters.require("value")
        let value = String((raw.removingPercentEncoding ?? raw).lowercased().prefix(200))
        guard let models = snapshot.featureModels[FeatureKey(kind: kind, value: value)], !models.isEmpty else {
            return try errorPage(request, snapshot, .notFound, heading: "Nothing for this \(kind)",
                                 message: "No models are stored for the \(kind) “\(value)”: it is unknown, or the Likes + tags model has not been trained yet.")
        }
        let heading = kind == "tag" ? "Models for the tag “\(value)”" : "Models for the category “\(value)”"
        return PageResponse.page(request, snapshot: snapshot, key: "\(kind)/\(value)") { buffer in
            skeletons.feature.write(into: &buffer) { slot, buffer in
                switch slot {
                case 0, 1: buffer.writeString(HTML.escape(heading))
                case 2: buffer.writeString(kind)
                default: snapshot.gridCards.write(models.prefix(24), into: &buffer)
                }
            }
        }
    }

    /// `/` and `/index`: the picker, or a redirect when `mid` or `link` is given (the original's query URLs).
    @Sendable func index(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        let query = request.uri.queryParameters
        if let mid = query["mid"].map(String.init), !mid.isEmpty {
            guard ModelID(mid) != nil else {
                return try errorPage(request, snapshot, .badRequest, heading: "That is not a model id",
                                     message: ModelID.problem(with: mid) ?? "")
            }
            return .redirect(to: "/models/\(mid)", type: .found)
        }
        if let link = query["link"].map(String.init) {
            switch SketchfabLink.modelID(from: link) {
            case .success(let mid):
                return .redirect(to: "/models/\(mid.rawValue)", type: .found)
            case .failure(let problem):
                return try errorPage(request, snapshot, .badRequest, heading: "That link could not be read",
                                     message: problem.description, link: link)
            }
        }
        return PageResponse.page(request, snapshot: snapshot, key: "home") { $0.writeBytes(snapshot.home) }
    }

    @Sendable func model(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        let mid = try context.parameters.require("mid")
        guard ModelID(mid) != nil else {
            return try errorPage(request, snapshot, .notFound, heading: "No such model", message: ModelID.problem(with: mid) ?? "")
        }
        guard let model = snapshot.model(mid) else {
            return try errorPage(request, snapshot, .notFound, heading: "No recommendations for this model",
                                 message: "The model \(mid) is not in this catalogue, so there are no recommendations for it. Pick another one below.")
        }
        return PageResponse.page(request, snapshot: snapshot, key: "m\(model)") { buffer in
            skeletons.writeModelPage(model, of: snapshot, into: &buffer)
        }
    }

    /// `/search?q=`: models whose names contain every word; an exact-looking id or link goes straight there.
    @Sendable func search(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        let query = String((request.uri.queryParameters["q"] ?? "").prefix(200)).trimmingCharacters(in: SearchQuery.blank)
        if query.isEmpty { return .redirect(to: "/", type: .found) }
        if case .success(let mid) = SketchfabLink.modelID(from: query), query.contains("/") || ModelID(query) != nil {
            return .redirect(to: "/models/\(mid.rawValue)", type: .found)
        }
        let results = snapshot.search(query, limit: 48)
        let heading = results.isEmpty ? "Nothing found for “\(query)”" : "Models whose names match “\(query)”"
        return PageResponse.page(request, snapshot: snapshot, key: "search?\(query)") { buffer in
            skeletons.search.write(into: &buffer) { slot, buffer in
                switch slot {
                case 0: buffer.writeString(HTML.escape("Search: \(query)"))
                case 1: buffer.writeBytes(snapshot.pickerOptions)
                case 2: buffer.writeString(HTML.escape(query))
                case 3: break
                case 4: buffer.writeString(HTML.escape(heading))
                default:
                    if results.isEmpty {
                        buffer.writeBytes(skeletons.searchEmpty)
                    } else {
                        buffer.writeString("<ul class=\"grid\">\n")
                        snapshot.gridCards.write(results, into: &buffer)
                        buffer.writeString("</ul>\n")
                    }
                }
            }
        }
    }

    /// `/random`: "surprise me", a different model each time (never cached).
    @Sendable func random(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        guard snapshot.modelCount > 0 else { return .redirect(to: "/", type: .found) }
        var response = Response.redirect(to: "/models/\(snapshot.models[Int.random(in: 0..<snapshot.modelCount)].mid)", type: .found)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func about(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        return PageResponse.page(request, snapshot: snapshot, key: "about") { $0.writeBytes(snapshot.about) }
    }

    /// `/evaluation`: the newest stored offline evaluation, rendered with the snapshot.
    @Sendable func evaluation(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        return PageResponse.page(request, snapshot: snapshot, key: "evaluation") { $0.writeBytes(snapshot.evaluation) }
    }

    /// Error pages are rare: rendered per request, never cached by the client.
    func errorPage(_ request: Request, _ snapshot: ExplorerSnapshot, _ status: HTTPResponse.Status, heading: String,
                   message: String, link: String = "") throws -> Response {
        let body = try renderer.render("error", PageViews.error(heading: heading, message: message,
                                                                 picker: String(decoding: snapshot.pickerOptions, as: UTF8.self),
                                                                 link: link))
        return PageResponse.uncached(request, status: status, contentType: "text/html; charset=utf-8", body: ByteBuffer(string: body))
    }
}

/// The page templates split once into literal bytes and slots (see `PageSkeleton`).
struct PageSkeletons: Sendable {
    /// Slots: title, picker options, search query, link, the model's block, the carousels.
    let model: PageSkeleton
    /// Slots: title, picker options, search query, link, heading, results.
    let search: PageSkeleton
    /// Slots: title, heading, kind, cards.
    let feature: PageSkeleton
    let noRecommendations: [UInt8]
    let searchEmpty: [UInt8]

    init(renderer: PageRenderer) throws {
        model = try PageSkeleton(renderer: renderer, template: "model",
                                 slots: ["title", "pickerOptions", "query", "link", "article", "carousels"])
        search = try PageSkeleton(renderer: renderer, template: "search",
                                  slots: ["title", "pickerOptions", "query", "link", "heading", "results"])
        feature = try PageSkeleton(renderer: renderer, template: "feature", slots: ["title", "heading", "kind", "cards"])
        noRecommendations = Array(try renderer.render("no-recommendations", [:]).utf8)
        searchEmpty = Array(try renderer.render("search-empty", [:]).utf8)
    }
}

extension PageSkeletons {
    /// A model's page: its block, the comparison and the carousels, the picker with the model selected. The same
    /// bytes answer `/models/{mid}` and fill the file `serve --static-pages` writes for nginx.
    func writeModelPage(_ model: Int32, of snapshot: ExplorerSnapshot, into buffer: inout ByteBuffer) {
        self.model.write(into: &buffer) { slot, buffer in
            switch slot {
            case 0: buffer.writeString(HTML.escape(snapshot.models[Int(model)].name))
            case 1: buffer.writeBytes(snapshot.pickerSelected[model] ?? snapshot.pickerOptions)
            case 2, 3: break  // the search and link fields start empty
            case 4: snapshot.articles.write(model, into: &buffer)
            default: snapshot.writeCarousels(of: model, into: &buffer, noRecommendations: noRecommendations)
            }
        }
    }
}

/// Responses with the caching headers every page shares: an ETag of the snapshot and the page, so a client (or nginx)
/// revalidates with `If-None-Match` and gets a 304 until the catalogue is published again; HEAD gets the headers alone.
enum PageResponse {
    static func page(_ request: Request, snapshot: ExplorerSnapshot, key: String, contentType: String = "text/html; charset=utf-8",
                     write: (inout ByteBuffer) -> Void) -> Response {
        conditional(request, etag: "\"\(snapshot.tag)-\(fingerprint(key))\"", maxAge: 60, contentType: contentType) {
            // A model page with five carousels is about 60 KB: start big enough that it is never copied to grow.
            var buffer = ByteBufferAllocator().buffer(capacity: 96 * 1024)
            write(&buffer)
            return buffer
        }
    }

    /// 304 when `If-None-Match` names `etag`; else the body, which is only built then.
    static func conditional(_ request: Request, etag: String, maxAge: Int, contentType: String,
                            body: () -> ByteBuffer) -> Response {
        let headers: HTTPFields = [.eTag: etag, .cacheControl: "public, max-age=\(maxAge)", .contentType: contentType]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let candidate = $0.trimmingCharacters(in: .whitespaces)
            return candidate == etag || candidate == "W/\(etag)" || candidate == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        return response(request, status: .ok, headers: headers, body: body())
    }

    static func uncached(_ request: Request, status: HTTPResponse.Status, contentType: String, body: ByteBuffer) -> Response {
        response(request, status: status, headers: [.contentType: contentType, .cacheControl: "no-store"], body: body)
    }

    /// HEAD gets the headers and the length alone.
    private static func response(_ request: Request, status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer) -> Response {
        guard request.method == .head else { return Response(status: status, headers: headers, body: .init(byteBuffer: body)) }
        var headers = headers
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: headers)
    }

    /// Short and stable across processes (unlike `Hasher`): enough to tell pages apart within a snapshot.
    static func fingerprint(_ text: String) -> String {
        String(FNV1a.hash(text.utf8), radix: 36)
    }
}

/// The 64-bit FNV-1a hash, continued from `seed` so several inputs can be hashed as one.
enum FNV1a {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    static func hash(_ bytes: some Sequence<UInt8>, seed: UInt64 = offsetBasis) -> UInt64 {
        bytes.reduce(seed) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
