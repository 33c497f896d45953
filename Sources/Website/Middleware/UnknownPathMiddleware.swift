import Hummingbird

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
