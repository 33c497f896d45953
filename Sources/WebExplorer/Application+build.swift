import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

public struct ExplorerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Listen on this Unix domain socket (mode 0660, for a web server in front) instead of `host`:`port`.
    public var unixSocket: String?
    /// Folder of local thumbnails served under `/thumbnails/` (the demo catalogue's).
    public var thumbnailsDirectory: String?
    public var algorithmDescriptions: [(name: String, title: String, description: String)]
    /// How often the server checks whether `import` or `train` published a new catalogue.
    public var reloadCheckInterval: Duration
    /// Write every model page here for nginx to send as a file (see `StaticModelPages`).
    public var staticPagesDirectory: String?

    public init(host: String = "127.0.0.1", port: Int = 8080, unixSocket: String? = nil, thumbnailsDirectory: String? = nil,
                algorithmDescriptions: [(name: String, title: String, description: String)] = [],
                reloadCheckInterval: Duration = .seconds(2), staticPagesDirectory: String? = nil) {
        self.host = host
        self.port = port
        self.unixSocket = unixSocket
        self.thumbnailsDirectory = thumbnailsDirectory
        self.algorithmDescriptions = algorithmDescriptions
        self.reloadCheckInterval = reloadCheckInterval
        self.staticPagesDirectory = staticPagesDirectory
    }
}

/// The router and what runs beside it, built once for `serve` and for the tests.
public struct ExplorerSite {
    public let router: Router<BasicRequestContext>
    public let holder: SnapshotHolder
    public let reloader: SnapshotReloadService
}

/// Builds the router shared by `serve` and the tests: loads the first snapshot (a catalogue that cannot be loaded
/// stops the start with its error) and wires the routes to the snapshot holder.
public func buildSite(_ configuration: ExplorerConfiguration, storage: some ExplorerStorage, renderer: PageRenderer,
                      metrics: PrometheusCollectorRegistry? = nil, logger: Logger = Logger(label: "recasketch.serve")) throws -> ExplorerSite {
    let loader = SnapshotLoader(storage: storage, renderer: renderer, algorithmDescriptions: configuration.algorithmDescriptions)
    let holder = SnapshotHolder(try loader.loadNow())
    let router = Router()
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ForwardedRequestIDMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: UnknownPathMiddleware())
    router.add(middleware: AllowedMethodsMiddleware())
    // Into the registry /metrics shows; without one, into whatever MetricsSystem was bootstrapped with.
    router.add(middleware: ResponseMetricsMiddleware(factory: metrics.map { PrometheusMetricsFactory(registry: $0) } ?? MetricsSystem.factory))
    router.add(middleware: TemplateErrorMiddleware())
    if let folder = configuration.thumbnailsDirectory {
        router.add(middleware: FileMiddleware(folder, urlBasePath: "/thumbnails", searchForIndexHtml: false))
    }
    let skeletons = try PageSkeletons(renderer: renderer)
    ExplorerController(holder: holder, renderer: renderer, skeletons: skeletons).addRoutes(to: router)
    ExplorerAPI(holder: holder).addRoutes(to: router)
    // Supervisors and load balancers probe with GET or HEAD.
    let health: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
        _ = try await storage.ping()
        return PageResponse.uncached(request, status: .ok, contentType: "text/plain; charset=utf-8", body: ByteBuffer(string: "ok\n"))
    }
    router.get("/healthz", use: health)
    router.head("/healthz", use: health)
    let statics: [(path: String, type: String, body: String, maxAge: Int)] = [
        ("/static/app.css", "text/css; charset=utf-8", renderer.stylesheet, 3600),
        ("/static/app.js", "text/javascript; charset=utf-8", renderer.script, 3600),
        ("/static/placeholder.svg", "image/svg+xml", renderer.placeholderSVG, 86_400),
        ("/static/favicon.svg", "image/svg+xml", renderer.faviconSVG, 86_400),
        ("/openapi.json", "application/json", renderer.openAPIDocument, 300),
    ]
    for file in statics {
        let etag = "\"\(PageResponse.fingerprint(file.body))\""
        let body = ByteBuffer(string: file.body)
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            PageResponse.conditional(request, etag: etag, maxAge: file.maxAge, contentType: file.type) { body }
        }
        router.get(RouterPath(file.path), use: handler)
        router.head(RouterPath(file.path), use: handler)
    }
    if let metrics {
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
    }
    let staticPages = configuration.staticPagesDirectory.map {
        StaticModelPages(folder: URL(fileURLWithPath: $0, isDirectory: true), skeletons: skeletons)
    }
    let reloader = SnapshotReloadService(holder: holder, loader: loader, interval: configuration.reloadCheckInterval,
                                         logger: logger, staticPages: staticPages)
    return ExplorerSite(router: router, holder: holder, reloader: reloader)
}

/// The application `serve` runs; tests use `buildSite` with `Application(router:)` and `app.test(.router)`.
/// `services` run next to the server and share its graceful shutdown (the thumbnail refresh job); the snapshot
/// reload runs beside them.
public func buildApplication(
    _ configuration: ExplorerConfiguration, storage: some ExplorerStorage, logger: Logger,
    metrics: PrometheusCollectorRegistry? = nil, services: [any Service] = []
) async throws -> some ApplicationProtocol {
    let renderer = try await PageRenderer()
    let site = try buildSite(configuration, storage: storage, renderer: renderer, metrics: metrics, logger: logger)
    logger.info("snapshot loaded", metadata: ["generation": "\(site.holder.current.generation)", "models": "\(site.holder.current.modelCount)"])
    let address: BindAddress
    if let path = configuration.unixSocket {
        try UnixSocketFile.removeStale(at: path)
        address = .unixDomainSocket(path: path)
    } else {
        address = .hostname(configuration.host, port: configuration.port)
    }
    return Application(router: site.router,
                       configuration: .init(address: address, serverName: "RecASketch"),
                       services: services + [site.reloader],
                       onServerRunning: { _ in
                           // Owner and group (the web server's) may connect; nobody else.
                           if let path = configuration.unixSocket { chmod(path, 0o660) }
                       },
                       logger: logger)
}

/// The socket file a server listens on. One left behind by an instance that was killed would make the bind fail:
/// it is removed first, but only if it is a socket (never a regular file given by mistake).
enum UnixSocketFile {
    struct NotASocket: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) exists and is not a socket: refusing to replace it with the server's socket" }
    }

    static func removeStale(at path: String) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else { throw NotASocket(path: path) }
        unlink(path)
    }
}

/// Headers on every response: a Content-Security-Policy with no inline script or style (the thumbnail fallback
/// lives in /static/app.js), no MIME sniffing, no framing, and a referrer policy that keeps paths private.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
            + "frame-src https://sketchfab.com; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    static var frameOptions: HTTPField.Name { HTTPField.Name("X-Frame-Options")! }
    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do { response = try await next(request, context) } catch let error as any HTTPResponseError {
            // Errors become responses only after the middleware chain: make them here so they carry the headers too.
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.referrerPolicy] = "strict-origin-when-cross-origin"
        return response
    }
}

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
