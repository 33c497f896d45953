import HTTPTypes
import Hummingbird
import Logging

/// nginx names each request (`X-Request-Id`, its `$request_id`) and logs it: the app's log lines for the request
/// carry the same id, so one request is followed from nginx's access log into the app's journal.
struct ForwardedRequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let id = request.headers[Self.header], id.utf8.count <= 64,
              id.utf8.allSatisfy({ $0 < 0x80 && ($0 == UInt8(ascii: "-") || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A)) })
        else { return try await next(request, context) }
        var context = context
        context.logger[metadataKey: "forwarded_request_id"] = .string(id)
        return try await next(request, context)
    }
}
