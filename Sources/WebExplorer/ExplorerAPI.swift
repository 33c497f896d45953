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
                carousel.lists.items.withUnsafeBufferPointer { items in
                    carousel.lists.scores.withUnsafeBufferPointer { scores in
                        for index in start..<end {
                            buffer.writeStaticString(index == start ? "{\"score\":" : ",{\"score\":")
                            JSONBody.writeScore(scores[index], into: &buffer)
                            buffer.writeStaticString(",\"model\":")
                            snapshot.modelJSON.write(items[index], into: &buffer)
                            buffer.writeStaticString("}")
                        }
                    }
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

/// The site and the API only read: any method but GET and HEAD is a 405 that says which are allowed.
struct ReadOnlyMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            var response = Problem(status: .methodNotAllowed, title: "Method not allowed",
                                   detail: "\(request.method.rawValue) is not allowed here; use GET or HEAD.").response(request)
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        return try await next(request, context)
    }
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
