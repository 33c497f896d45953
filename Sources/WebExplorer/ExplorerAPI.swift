import CatalogFiles
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird

/// The JSON API, version 1, as `Static/openapi.json` describes it (served at `/openapi.json`). Answers are assembled
/// from each model's JSON encoded once per snapshot; errors are `application/problem+json` (RFC 9457).
struct ExplorerAPI: Sendable {
    let holder: SnapshotHolder

    static let maximumLimit = 100
    /// The names `openapi.json` lists for `algorithm=`: the algorithms `train` knows.
    static let algorithmNames: Set<String> = ["visual", "wrmf", "warp-tags", "itemknn", "popularity"]

    func addRoutes(to router: Router<BasicRequestContext>) {
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/api/v1/algorithms", method: method, use: algorithms)
            router.on("/api/v1/models/:mid", method: method, use: model)
            router.on("/api/v1/models/:mid/recommendations", method: method, use: recommendations)
            router.on("/api/v1/search", method: method, use: search)
            router.on("/api/v1/tags/:value", method: method) { request, context in try feature(kind: "tag", request, context) }
            router.on("/api/v1/categories/:value", method: method) { request, context in try feature(kind: "category", request, context) }
        }
        router.post("/api/v1/recommendations", use: forYou)
    }

    /// The most models a visitor's likes may name, and the largest body read.
    static let maximumLiked = 500
    static let maximumBody = 64 * 1024

    /// `POST /api/v1/recommendations` with `{"liked": [mid, …], "limit": n}`: suggestions for someone the models
    /// never saw, by folding their likes into WRMF (the "For you" carousel). Nothing is stored.
    @Sendable func forYou(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let snapshot = holder.current
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/json") else {
            return Problem(status: .unsupportedMediaType, title: "Unsupported media type",
                           detail: "Send the body as application/json: {\"liked\": [model ids]}.").response(request)
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maximumBody) } catch {
            return Problem(status: .contentTooLarge, title: "Content too large",
                           detail: "The body may be at most \(Self.maximumBody) bytes.").response(request)
        }
        let asked: LikedModels
        switch LikedModels.parse(Data(body.readableBytesView)) {
        case .success(let parsed): asked = parsed
        case .failure(let problem): return problem.response(request)
        }
        var liked: [Int32] = [], unknown: [String] = []
        for mid in asked.liked {
            if let model = snapshot.model(mid) { liked.append(model) } else { unknown.append(mid) }
        }
        let excluded = Set(liked)
        var algorithm = "popularity"
        var results: [(item: Int32, score: Float)] = []
        if let foldIn = snapshot.foldIn, liked.contains(where: { foldIn.isKnown(Int($0)) }) {
            algorithm = snapshot.foldInAlgorithm
            results = foldIn.recommend(liked: liked.map(Int.init), count: asked.limit).map { ($0.item, $0.score) }
        } else {
            // Nothing to fold in (no likes the model knows, or no WRMF trained): the most liked models, as a start.
            results = snapshot.searchOrder.lazy.filter { !excluded.contains($0) }.prefix(asked.limit)
                .map { ($0, Float(snapshot.models[Int($0)].likeCount)) }
        }
        var buffer = ByteBuffer()
        buffer.writeStaticString("{")
        JSONBody.writeField("algorithm", algorithm, first: true, into: &buffer)
        buffer.writeStaticString(",\"liked\":[")
        for (position, model) in liked.enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            JSONBody.writeString(snapshot.models[Int(model)].mid, into: &buffer)
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
            snapshot.modelJSON.write(result.item, into: &buffer)
            buffer.writeStaticString("}")
        }
        buffer.writeStaticString("]}")
        return PageResponse.uncached(request, status: .ok, contentType: JSONBody.contentType, body: buffer)
    }

    @Sendable func algorithms(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        return PageResponse.page(request, snapshot: snapshot, key: "api/algorithms", contentType: JSONBody.contentType) {
            $0.writeBytes(snapshot.algorithmsJSON)
        }
    }

    @Sendable func model(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        let model: Int32
        switch resolve(try context.parameters.require("mid"), in: snapshot) {
        case .success(let found): model = found
        case .failure(let problem): return problem.response(request)
        }
        return PageResponse.page(request, snapshot: snapshot, key: "api/m\(model)", contentType: JSONBody.contentType) {
            $0.writeBytes(snapshot.modelDetailJSON(model))
        }
    }

    @Sendable func recommendations(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        let model: Int32
        switch resolve(try context.parameters.require("mid"), in: snapshot) {
        case .success(let found): model = found
        case .failure(let problem): return problem.response(request)
        }
        let query = request.uri.queryParameters
        let limit: Int
        switch Self.limit(query["limit"], default: 12) {
        case .success(let value): limit = value
        case .failure(let problem): return problem.response(request)
        }
        var carousels = snapshot.carousels
        let algorithmName = query["algorithm"].map(String.init)
        if let algorithm = algorithmName {
            let known = snapshot.carousels.map(\.info.algorithm).joined(separator: ", ")
            guard Self.algorithmNames.contains(algorithm) else {
                return Problem.badRequest("“\(algorithm.prefix(60))” is not an algorithm; one of \(Self.algorithmNames.sorted().joined(separator: ", ")).")
                    .response(request)
            }
            carousels = carousels.filter { $0.info.algorithm == algorithm }
            if carousels.isEmpty {
                return Problem.notFound("The algorithm \(algorithm) is not trained in this catalogue; trained here: \(known.isEmpty ? "none" : known).")
                    .response(request)
            }
        }
        let key = "api/m\(model)/r?\(algorithmName ?? "")&\(limit)"
        return PageResponse.page(request, snapshot: snapshot, key: key, contentType: JSONBody.contentType) { buffer in
            buffer.writeStaticString("{\"mid\":\"")
            buffer.writeString(snapshot.models[Int(model)].mid)  // ids are letters and digits only
            buffer.writeStaticString("\",\"lists\":[")
            for (position, carousel) in carousels.enumerated() {
                if position > 0 { buffer.writeStaticString(",") }
                buffer.writeBytes(carousel.jsonOpen)
                let start = Int(carousel.lists.offsets[Int(model)])
                let end = min(Int(carousel.lists.offsets[Int(model) + 1]), start + limit)
                for index in start..<end {
                    buffer.writeStaticString(index == start ? "{\"score\":" : ",{\"score\":")
                    JSONBody.writeScore(carousel.lists.scores[index], into: &buffer)
                    buffer.writeStaticString(",\"model\":")
                    snapshot.modelJSON.write(carousel.lists.items[index], into: &buffer)
                    buffer.writeStaticString(",\"why\":")
                    Explanation.of(carousel.algorithm, lists: carousel.lists, entry: index, from: model, snapshot: snapshot)
                        .writeJSON(into: &buffer, snapshot: snapshot)
                    buffer.writeStaticString("}")
                }
                buffer.writeStaticString("]}")
            }
            buffer.writeStaticString("]}")
        }
    }

    @Sendable func search(_ request: Request, context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        let query = String((request.uri.queryParameters["q"] ?? "").prefix(200)).trimmingCharacters(in: SearchQuery.blank)
        guard !query.isEmpty else { return Problem.badRequest("Give the words to search for as q=….").response(request) }
        let limit: Int
        switch Self.limit(request.uri.queryParameters["limit"], default: 24) {
        case .success(let value): limit = value
        case .failure(let problem): return problem.response(request)
        }
        let results = snapshot.search(query, limit: limit)
        return PageResponse.page(request, snapshot: snapshot, key: "api/search?\(query)&\(limit)", contentType: JSONBody.contentType) { buffer in
            buffer.writeStaticString("{")
            JSONBody.writeField("query", query, first: true, into: &buffer)
            JSONBody.writeModels("results", results, from: snapshot, into: &buffer)
            buffer.writeStaticString("}")
        }
    }

    func feature(kind: String, _ request: Request, _ context: BasicRequestContext) throws -> Response {
        let snapshot = holder.current
        let raw = try context.parameters.require("value")
        let value = String((raw.removingPercentEncoding ?? raw).lowercased().prefix(200))
        guard let models = snapshot.featureModels[FeatureKey(kind: kind, value: value)], !models.isEmpty else {
            return Problem.notFound("No models are stored for the \(kind) “\(value)”: it is unknown, or the Likes + tags model has not been trained.")
                .response(request)
        }
        return PageResponse.page(request, snapshot: snapshot, key: "api/\(kind)/\(value)", contentType: JSONBody.contentType) { buffer in
            buffer.writeStaticString("{")
            JSONBody.writeField("kind", kind, first: true, into: &buffer)
            JSONBody.writeField("value", value, into: &buffer)
            JSONBody.writeModels("models", models, from: snapshot, into: &buffer)
            buffer.writeStaticString("}")
        }
    }

    func resolve(_ mid: String, in snapshot: ExplorerSnapshot) -> Result<Int32, Problem> {
        guard ModelID(mid) != nil else {
            return .failure(.notFound("“\(mid.prefix(100))” is not a model id: \(ModelID.problem(with: mid) ?? "")"))
        }
        guard let model = snapshot.model(mid) else { return .failure(.notFound("The model \(mid) is not in this catalogue.")) }
        return .success(model)
    }

    static func limit(_ text: Substring?, default fallback: Int) -> Result<Int, Problem> {
        guard let text else { return .success(fallback) }
        guard let value = Int(text), (1...maximumLimit).contains(value) else {
            return .failure(.badRequest("limit must be a whole number from 1 to \(maximumLimit), not “\(text.prefix(40))”."))
        }
        return .success(value)
    }
}

/// An RFC 9457 problem document.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var detail: String

    static func notFound(_ detail: String) -> Problem { Problem(status: .notFound, title: "Not found", detail: detail) }
    static func badRequest(_ detail: String) -> Problem { Problem(status: .badRequest, title: "Bad request", detail: detail) }

    func response(_ request: Request) -> Response {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{")
        JSONBody.writeField("type", "about:blank", first: true, into: &buffer)
        JSONBody.writeField("title", title, into: &buffer)
        buffer.writeString(",\"status\":\(status.code)")
        JSONBody.writeField("detail", detail, into: &buffer)
        JSONBody.writeField("instance", String(request.uri.path.prefix(300)), into: &buffer)
        buffer.writeStaticString("}")
        return PageResponse.uncached(request, status: status, contentType: "application/problem+json", body: buffer)
    }
}

enum JSONBody {
    static let contentType = "application/json"

    /// A JSON string literal, escaped per RFC 8259.
    static func writeString(_ text: String, into buffer: inout ByteBuffer) {
        // Most strings (ids, names, tags) need no escape: one copy instead of a write per byte.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeString(text)
            buffer.writeInteger(UInt8(ascii: "\""))
            return
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeString("\\\\")
            case 0x0A: buffer.writeString("\\n")
            case 0x0D: buffer.writeString("\\r")
            case 0x09: buffer.writeString("\\t")
            case 0..<0x20: buffer.writeString(String(format: "\\u%04x", Int(byte)))
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// `"name":"value"`, after a comma unless it opens the object.
    static func writeField(_ name: String, _ value: String, first: Bool = false, into buffer: inout ByteBuffer) {
        buffer.writeString(first ? "\"\(name)\":" : ",\"\(name)\":")
        writeString(value, into: &buffer)
    }

    /// `,"name":[model, …]` from the snapshot's pre-encoded model objects.
    static func writeModels(_ name: String, _ models: some Sequence<Int32>, from snapshot: ExplorerSnapshot, into buffer: inout ByteBuffer) {
        buffer.writeString(",\"\(name)\":[")
        for (position, model) in models.enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            snapshot.modelJSON.write(model, into: &buffer)
        }
        buffer.writeStaticString("]")
    }

    /// A score as JSON with four decimals, written digit by digit: `String(Float)` was the costliest part of an
    /// answer. Non-finite values, which training never stores, become 0.
    static func writeScore(_ value: Float, into buffer: inout ByteBuffer) {
        guard value.isFinite, abs(value) < 1e9 else { buffer.writeInteger(UInt8(ascii: "0")); return }
        var scaled = Int((Double(value) * 10_000).rounded())
        if scaled < 0 { buffer.writeInteger(UInt8(ascii: "-")); scaled = -scaled }
        var whole = scaled / 10_000
        if whole == 0 {
            buffer.writeInteger(UInt8(ascii: "0"))
        } else {
            var digits: [UInt8] = []
            while whole > 0 { digits.append(UInt8(ascii: "0") + UInt8(whole % 10)); whole /= 10 }
            buffer.writeBytes(digits.reversed())
        }
        let fraction = scaled % 10_000
        let zero = UInt8(ascii: "0")
        buffer.writeMultipleIntegers(UInt8(ascii: "."), zero + UInt8(fraction / 1000), zero + UInt8(fraction / 100 % 10),
                                     zero + UInt8(fraction / 10 % 10), zero + UInt8(fraction % 10))
    }
}

/// The site and the API read, except one resource that computes from a posted body: any other method is a 405
/// that says which are allowed.
struct AllowedMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    static var postOnly: Set<String> { ["/api/v1/recommendations"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let allowed: [HTTPRequest.Method] = Self.postOnly.contains(request.uri.path) ? [.post] : [.get, .head]
        guard allowed.contains(request.method) else {
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            var response = Problem(status: .methodNotAllowed, title: "Method not allowed",
                                   detail: "\(request.method.rawValue) is not allowed here; use \(names.replacingOccurrences(of: ", ", with: " or ")).")
                .response(request)
            response.headers[.allow] = names
            return response
        }
        return try await next(request, context)
    }
}

/// The body of `POST /api/v1/recommendations`.
struct LikedModels: Decodable {
    var liked: [String]
    var limit: Int

    enum CodingKeys: String, CodingKey { case liked, limit }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        liked = try container.decode([String].self, forKey: .liked)
        // Absent means the default; null is not a number and is refused like any other wrong type.
        limit = container.contains(.limit) ? try container.decode(Int.self, forKey: .limit) : 12
    }

    static func parse(_ body: Data) -> Result<LikedModels, Problem> {
        let parsed: LikedModels
        do { parsed = try JSONDecoder().decode(LikedModels.self, from: body) } catch let error as DecodingError {
            return .failure(.badRequest("The body must be a JSON object {\"liked\": [model ids], \"limit\": 1–\(ExplorerAPI.maximumLimit)}: \(describe(error))"))
        } catch {
            return .failure(.badRequest("The body is not JSON."))
        }
        guard parsed.liked.count <= ExplorerAPI.maximumLiked else {
            return .failure(.badRequest("liked may name at most \(ExplorerAPI.maximumLiked) models, not \(parsed.liked.count)."))
        }
        guard (1...ExplorerAPI.maximumLimit).contains(parsed.limit) else {
            return .failure(.badRequest("limit must be a whole number from 1 to \(ExplorerAPI.maximumLimit), not \(parsed.limit)."))
        }
        if let bad = parsed.liked.first(where: { ModelID($0) == nil }) {
            return .failure(.badRequest("liked holds “\(bad.prefix(60))”, which is not a model id: \(ModelID.problem(with: bad) ?? "")"))
        }
        return .success(parsed)
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "the field \(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".").nonEmpty ?? "the body") has the wrong type"
        case .dataCorrupted: "it is not valid JSON"
        @unknown default: "it could not be read"
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

enum SearchQuery {
    /// What the OpenAPI document's `\S` calls white space (ECMAScript's `\s`): spaces, line ends, form feed,
    /// vertical tab and the byte-order mark. A query of only these is empty.
    static let blank = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}"))
}

/// A path no route knows is a 404 with a body: a problem document under /api/ (the API's error format), a line of
/// text elsewhere. A catch-all `/api/**` route would do the first, but a recursive wildcard in Hummingbird's trie
/// also swallows paths outside it (the thumbnails), so the not-found error is turned into a response here.
struct UnknownPathMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            if request.uri.path.hasPrefix("/api/") {
                return Problem.notFound("No such API resource: \(request.uri.path.prefix(200))").response(request)
            }
            return PageResponse.uncached(request, status: .notFound, contentType: "text/plain; charset=utf-8",
                                         body: ByteBuffer(string: "Not found. Start again from the home page: /\n"))
        }
    }
}
