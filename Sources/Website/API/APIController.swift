import AlgorithmIdentity
import CatalogFiles
import CatalogSnapshot
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import LiveModels

/// The JSON API, version 1, as `Static/openapi.json` describes it (served at `/openapi.json`). Answers are assembled
/// from each model's JSON encoded once per publication; errors are `application/problem+json` (RFC 9457), thrown
/// as `Problem`.
struct APIController: Sendable {
    let holder: ServedCatalogHolder
    /// With `serve --live-models`: models outside the catalogue, answered with `"live": true`.
    let live: LiveModelDirectory?

    static let maximumLimit = 100
    /// The most models a visitor's likes may name, and the largest body read.
    static let maximumLiked = 500
    static let maximumBody = 64 * 1024

    func addRoutes(to router: Router<BasicRequestContext>) {
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/api/v1/algorithms", method: method, use: algorithms)
            router.on("/api/v1/models/:mid", method: method, use: model)
            router.on("/api/v1/models/:mid/recommendations", method: method, use: recommendations)
            router.on("/api/v1/search", method: method, use: search)
            router.on("/api/v1/tags/:value", method: method) { request, context in try feature(.tag, request, context) }
            router.on("/api/v1/categories/:value", method: method) { request, context in try feature(.category, request, context) }
        }
        router.post("/api/v1/recommendations", use: forYou)
    }

    /// `POST /api/v1/recommendations` with `{"liked": [mid, …], "limit": n}`: suggestions for someone the models
    /// never saw, by folding their likes into WRMF (the "For you" carousel). Nothing is stored.
    @Sendable func forYou(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let catalog = holder.current
        let snapshot = catalog.snapshot
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/json") else {
            throw Problem(status: .unsupportedMediaType, title: "Unsupported media type",
                          detail: "Send the body as application/json: {\"liked\": [model ids]}.")
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maximumBody) } catch {
            throw Problem(status: .contentTooLarge, title: "Content too large", detail: "The body may be at most \(Self.maximumBody) bytes.")
        }
        let asked = try LikedModels.parse(Data(body.readableBytesView))
        var liked: [Int32] = [], unknown: [String] = []
        // Live models a visitor liked (read before, with their likers' factors) fold in beside the catalogue's.
        var outside: [(mid: String, factors: [Float])] = []
        for mid in asked.liked {
            if let model = snapshot.model(mid) {
                liked.append(model)
            } else if let live, let kept = await live.kept(mid), let factors = kept.likesFactors {
                outside.append((mid, factors))
            } else {
                unknown.append(mid)
            }
        }
        let excluded = Set(liked)
        var algorithm = Algorithm.popularity.rawValue
        var results: [(item: Int32, score: Float)] = []
        if let foldIn = snapshot.foldIn, liked.contains(where: { foldIn.isKnown(Int($0)) }) || !outside.isEmpty {
            algorithm = snapshot.foldInAlgorithm
            results = foldIn.recommend(liked: liked.map(Int.init), outside: outside.map(\.factors), count: asked.limit).map { ($0.item, $0.score) }
        } else {
            // Nothing to fold in (no likes the model knows, or no WRMF trained): the most liked models, as a start.
            results = snapshot.searchOrder.lazy.filter { !excluded.contains($0) }.prefix(asked.limit)
                .map { ($0, Float(snapshot.models[Int($0)].likeCount)) }
        }
        var buffer = ByteBuffer()
        buffer.writeStaticString("{")
        JSONBody.writeField("algorithm", algorithm, first: true, into: &buffer)
        buffer.writeStaticString(",\"liked\":[")
        for (position, mid) in (liked.map { snapshot.models[Int($0)].mid } + outside.map(\.mid)).enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            JSONBody.writeString(mid, into: &buffer)
        }
        buffer.writeStaticString("],\"unknown\":[")
        for (position, mid) in unknown.enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            JSONBody.writeString(mid, into: &buffer)
        }
        buffer.writeStaticString("],\"recommendations\":[")
        for (position, result) in results.enumerated() {
            buffer.writeStaticString(position == 0 ? "{\"score\":" : ",{\"score\":")
            JSONBody.writeScore(result.score, into: &buffer)
            buffer.writeStaticString(",\"model\":")
            catalog.api.modelJSON.write(result.item, into: &buffer)
            buffer.writeStaticString("}")
        }
        buffer.writeStaticString("]}")
        return PageResponse.uncached(request, status: .ok, contentType: JSONBody.contentType, body: buffer)
    }

    @Sendable func algorithms(_ request: Request, context: BasicRequestContext) throws -> Response {
        let catalog = holder.current
        return PageResponse.page(request, catalog: catalog, key: "api/algorithms", contentType: JSONBody.contentType) {
            $0.writeBytes(catalog.api.algorithmsJSON)
        }
    }

    @Sendable func model(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let catalog = holder.current
        let mid = try context.parameters.require("mid")
        if let found = try await liveModel(mid, in: catalog.snapshot) {
            var buffer = ByteBuffer()
            buffer.writeString("{\"model\":")
            buffer.writeBytes(APIFragments.encode(ModelSummary(mid: found.mid, name: found.name, url: found.url,
                                                               thumbnailURL: found.thumbnailURL, likeCount: found.likes)))
            for (field, values) in [("tags", found.tags), ("categories", found.categories), ("suggestedTags", [])] {
                buffer.writeString(",\"\(field)\":[")
                for (position, value) in values.enumerated() {
                    if position > 0 { buffer.writeString(",") }
                    JSONBody.writeString(value, into: &buffer)
                }
                buffer.writeString("]")
            }
            buffer.writeString(",\"live\":true}")
            let body = buffer
            return PageResponse.page(request, catalog: catalog, key: "api/live/\(mid)/\(found.fetchedAt.timeIntervalSince1970)",
                                     contentType: JSONBody.contentType) { $0.writeImmutableBuffer(body) }
        }
        let model = try resolve(mid, in: catalog.snapshot)
        return PageResponse.page(request, catalog: catalog, key: "api/m\(model)", contentType: JSONBody.contentType) {
            catalog.api.modelDetail(model, of: catalog.snapshot, into: &$0)
        }
    }

    @Sendable func recommendations(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let catalog = holder.current
        let snapshot = catalog.snapshot
        let mid = try context.parameters.require("mid")
        let query = request.uri.queryParameters
        let limit = try Self.limit(query["limit"], default: 12)
        if let found = try await liveModel(mid, in: snapshot) {
            return liveRecommendations(found, limit: limit, algorithm: query["algorithm"].map(String.init), request, catalog)
        }
        let model = try resolve(mid, in: snapshot)
        var shown = Array(snapshot.carousels.indices)
        let algorithmName = query["algorithm"].map(String.init)
        if let name = algorithmName {
            let known = snapshot.carousels.map(\.info.algorithm).joined(separator: ", ")
            guard let algorithm = Recommender(name: name), algorithm.canFillCarousel else {
                throw Problem.badRequest("“\(name.prefix(60))” is not an algorithm; one of \(Algorithm.trainable.map(\.rawValue).sorted().joined(separator: ", ")), or an imported one's name (lower-case letters, digits and inner hyphens).")
            }
            shown = shown.filter { snapshot.carousels[$0].algorithm == algorithm }
            if shown.isEmpty {
                throw Problem.notFound("The algorithm \(name) is not trained in this catalogue; trained here: \(known.isEmpty ? "none" : known).")
            }
        }
        let key = "api/m\(model)/r?\(algorithmName ?? "")&\(limit)"
        return PageResponse.page(request, catalog: catalog, key: key, contentType: JSONBody.contentType) { buffer in
            buffer.writeStaticString("{\"mid\":\"")
            buffer.writeString(snapshot.models[Int(model)].mid)  // ids are letters and digits only
            buffer.writeStaticString("\",\"lists\":[")
            for (position, index) in shown.enumerated() {
                let lists = snapshot.carousels[index].lists
                if position > 0 { buffer.writeStaticString(",") }
                buffer.writeBytes(catalog.api.carouselOpenings[index])
                let start = Int(lists.offsets[Int(model)])
                let end = min(Int(lists.offsets[Int(model) + 1]), start + limit)
                for entry in start..<end {
                    buffer.writeStaticString(entry == start ? "{\"score\":" : ",{\"score\":")
                    JSONBody.writeScore(lists.scores[entry], into: &buffer)
                    buffer.writeStaticString(",\"model\":")
                    catalog.api.modelJSON.write(lists.items[entry], into: &buffer)
                    buffer.writeStaticString(",\"why\":")
                    snapshot.explanation(carousel: index, entry: entry, from: model).writeJSON(into: &buffer, snapshot: snapshot)
                    buffer.writeStaticString("}")
                }
                buffer.writeStaticString("]}")
            }
            buffer.writeStaticString("]}")
        }
    }

    @Sendable func search(_ request: Request, context: BasicRequestContext) throws -> Response {
        let catalog = holder.current
        let query = RequestParsing.searchQuery(request)
        guard !query.isEmpty else { throw Problem.badRequest("Give the words to search for as q=….") }
        let limit = try Self.limit(request.uri.queryParameters["limit"], default: 24)
        let results = catalog.snapshot.search(query, limit: limit)
        return PageResponse.page(request, catalog: catalog, key: "api/search?\(query)&\(limit)", contentType: JSONBody.contentType) { buffer in
            buffer.writeStaticString("{")
            JSONBody.writeField("query", query, first: true, into: &buffer)
            JSONBody.writeModels("results", results, from: catalog.api, into: &buffer)
            buffer.writeStaticString("}")
        }
    }

    func feature(_ kind: FeatureKind, _ request: Request, _ context: BasicRequestContext) throws -> Response {
        let catalog = holder.current
        let feature = try RequestParsing.feature(kind, context)
        guard let models = catalog.snapshot.models(near: feature) else {
            throw Problem.notFound("No models are stored for the \(kind.rawValue) “\(feature.value)”: it is unknown, or the Likes + tags model has not been trained.")
        }
        return PageResponse.page(request, catalog: catalog, key: "api/\(kind.rawValue)/\(feature.value)", contentType: JSONBody.contentType) { buffer in
            buffer.writeStaticString("{")
            JSONBody.writeField("kind", kind.rawValue, first: true, into: &buffer)
            JSONBody.writeField("value", feature.value, into: &buffer)
            JSONBody.writeModels("models", models, from: catalog.api, into: &buffer)
            buffer.writeStaticString("}")
        }
    }

    /// The live model for a well-formed id outside the catalogue, when the server reads them; nil otherwise.
    func liveModel(_ mid: String, in snapshot: CatalogSnapshot) async throws(Problem) -> LiveModel? {
        guard let live, ModelID(mid) != nil, snapshot.model(mid) == nil else { return nil }
        do {
            return try await live.model(mid)
        } catch {
            switch error {
            case .unknownToSketchfab:
                throw .notFound("The model \(mid) is not in this catalogue, and Sketchfab does not know it.")
            case .unreachable(_, let retryAfter):
                throw Problem(status: .serviceUnavailable, title: "Sketchfab could not be reached",
                              detail: "The model \(mid) is not in this catalogue, and Sketchfab did not answer in time to read it; try again later.",
                              retryAfter: Int(retryAfter.components.seconds))
            }
        }
    }

    /// A live model's lists, as the catalogue's are written (`live: true`), catalogue models only.
    func liveRecommendations(_ found: LiveModel, limit: Int, algorithm: String?, _ request: Request, _ catalog: ServedCatalog) -> Response {
        let snapshot = catalog.snapshot
        var lists: [(algorithm: Algorithm, suggestions: [LiveModel.Suggestion])] = []
        if let visual = found.visual { lists.append((.visual, visual)) }
        if let liked = found.liked { lists.append((.wrmf, liked)) }
        if let tagged = found.tagged { lists.append((.warpTags, tagged)) }
        if let algorithm { lists = lists.filter { $0.algorithm.rawValue == algorithm } }
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"mid\":")
        JSONBody.writeString(found.mid, into: &buffer)
        buffer.writeStaticString(",\"live\":true,\"lists\":[")
        for (position, list) in lists.enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            buffer.writeStaticString("{")
            JSONBody.writeField("algorithm", list.algorithm.rawValue, first: true, into: &buffer)
            JSONBody.writeField("title", list.algorithm.title, into: &buffer)
            buffer.writeStaticString(",\"recommendations\":[")
            let shown = list.suggestions.compactMap { suggestion in snapshot.model(suggestion.mid).map { ($0, suggestion.score) } }.prefix(limit)
            for (rank, (model, score)) in shown.enumerated() {
                buffer.writeStaticString(rank == 0 ? "{\"score\":" : ",{\"score\":")
                JSONBody.writeScore(score, into: &buffer)
                buffer.writeStaticString(",\"model\":")
                catalog.api.modelJSON.write(model, into: &buffer)
                if list.algorithm == .visual {
                    buffer.writeStaticString(",\"why\":{\"kind\":\"image-similarity\",\"similarity\":")
                    JSONBody.writeScore(score, into: &buffer)
                    buffer.writeStaticString("}}")
                } else {
                    buffer.writeStaticString(",\"why\":{\"kind\":\"score\"}}")
                }
            }
            buffer.writeStaticString("]}")
        }
        buffer.writeStaticString("]}")
        let body = buffer
        return PageResponse.page(request, catalog: catalog, key: "api/live/\(found.mid)/r/\(found.fetchedAt.timeIntervalSince1970)?\(algorithm ?? "")&\(limit)",
                                 contentType: JSONBody.contentType) { $0.writeImmutableBuffer(body) }
    }

    func resolve(_ mid: String, in snapshot: CatalogSnapshot) throws(Problem) -> Int32 {
        guard ModelID(mid) != nil else {
            throw .notFound("“\(mid.prefix(100))” is not a model id: \(ModelID.problem(with: mid) ?? "")")
        }
        guard let model = snapshot.model(mid) else { throw .notFound("The model \(mid) is not in this catalogue.") }
        return model
    }

    static func limit(_ text: Substring?, default fallback: Int) throws(Problem) -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), (1...maximumLimit).contains(value) else {
            throw .badRequest("limit must be a whole number from 1 to \(maximumLimit), not “\(text.prefix(40))”.")
        }
        return value
    }
}
