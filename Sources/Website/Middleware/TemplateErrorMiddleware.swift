import Hummingbird
import Logging

/// A page whose template failed to render answers 500 with a short plain-text body, and the log names the
/// template and the error: never an empty page, never a misleading 404.
struct TemplateErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as TemplateRenderingError {
            context.logger.error("page failed to render", metadata: [
                "template": .string(error.template), "error": .string(error.description), "path": .string(request.uri.path),
            ])
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "This page could not be rendered; the error is logged.\n")))
        }
    }
}
