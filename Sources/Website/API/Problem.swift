import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem document: what the API answers for a request it cannot serve. Handlers throw it;
/// `ProblemMiddleware` turns it into its response where the handler returns, so the metrics and the log see an
/// answer, not an error (as Hummingbird would, being an `HTTPResponseError`, wherever else it is thrown).
struct Problem: HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var detail: String
    /// Seconds to wait before asking again (503 while Sketchfab cannot be reached).
    var retryAfter: Int?

    static func notFound(_ detail: String) -> Problem { Problem(status: .notFound, title: "Not found", detail: detail) }
    static func badRequest(_ detail: String) -> Problem { Problem(status: .badRequest, title: "Bad request", detail: detail) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        response(request)
    }

    func response(_ request: Request) -> Response {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{")
        JSONBody.writeField("type", "about:blank", first: true, into: &buffer)
        JSONBody.writeField("title", title, into: &buffer)
        buffer.writeString(",\"status\":\(status.code)")
        JSONBody.writeField("detail", detail, into: &buffer)
        JSONBody.writeField("instance", String(request.uri.path.prefix(300)), into: &buffer)
        buffer.writeStaticString("}")
        var response = PageResponse.uncached(request, status: status, contentType: "application/problem+json", body: buffer)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}


/// Turns a `Problem` thrown by a handler into its response, innermost, so every other middleware sees an answer.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch let problem as Problem { return problem.response(request) }
    }
}
