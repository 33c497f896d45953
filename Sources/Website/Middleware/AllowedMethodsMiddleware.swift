import HTTPTypes
import Hummingbird

/// The site and the API read, except the resources that take a posted body (For you, the visitor events): any other
/// method is a 405
/// that says which are allowed.
struct AllowedMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    static var postOnly: Set<String> { ["/api/v1/recommendations", "/api/v1/events"] }

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

