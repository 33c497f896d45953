import CatalogStore
import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

public struct ExplorerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Folder of local thumbnails served under `/thumbnails/` (the demo catalogue's).
    public var thumbnailsDirectory: String?
    public var algorithmDescriptions: [(name: String, title: String, description: String)]
    /// How long a rendered page may be served from memory; zero turns the cache off.
    public var pageCacheSeconds: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, thumbnailsDirectory: String? = nil,
                algorithmDescriptions: [(name: String, title: String, description: String)] = [],
                pageCacheSeconds: Int = 60) {
        self.pageCacheSeconds = pageCacheSeconds
        self.host = host
        self.port = port
        self.thumbnailsDirectory = thumbnailsDirectory
        self.algorithmDescriptions = algorithmDescriptions
    }
}

/// Builds the router shared by `serve` and the tests.
public func buildRouter<Storage: ExplorerStorage>(
    _ configuration: ExplorerConfiguration, storage: Storage, renderer: PageRenderer,
    metrics: PrometheusCollectorRegistry? = nil
) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: TemplateErrorMiddleware())
    if let folder = configuration.thumbnailsDirectory {
        router.add(middleware: FileMiddleware(folder, urlBasePath: "/thumbnails", searchForIndexHtml: false))
    }
    ExplorerController(storage: storage, renderer: renderer,
                       cache: PageCache(timeToLive: .seconds(configuration.pageCacheSeconds)),
                       pickerCache: PageCache(timeToLive: .seconds(max(1, configuration.pageCacheSeconds))),
                       names: ModelNameIndex(maximumAge: .seconds(max(1, configuration.pageCacheSeconds))),
                       algorithmDescriptions: configuration.algorithmDescriptions).addRoutes(to: router)
    // Supervisors and load balancers probe with GET or HEAD.
    let health: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
        _ = try await storage.ping()
        let body = request.method == .head ? ByteBuffer() : ByteBuffer(string: "ok\n")
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: body))
    }
    router.get("/healthz", use: health)
    router.head("/healthz", use: health)
    router.get("/static/app.css") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: renderer.stylesheet)))
    }
    router.get("/static/placeholder.svg") { _, _ in
        Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "public, max-age=86400"],
                 body: .init(byteBuffer: ByteBuffer(string: renderer.placeholderSVG)))
    }
    if let metrics {
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
    }
    return router
}

/// The application `serve` runs; tests use `buildRouter` with `Application(router:)` and `app.test(.router)`.
/// `services` run next to the server and share its graceful shutdown (the thumbnail refresh job).
public func buildApplication<Storage: ExplorerStorage>(
    _ configuration: ExplorerConfiguration, storage: Storage, logger: Logger,
    metrics: PrometheusCollectorRegistry? = nil, services: [any Service] = []
) async throws -> some ApplicationProtocol {
    let renderer = try await PageRenderer()
    let router = buildRouter(configuration, storage: storage, renderer: renderer, metrics: metrics)
    return Application(router: router,
                       configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                            serverName: "RecASketch"),
                       services: services,
                       logger: logger)
}
