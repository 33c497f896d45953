import CatalogStore
import Foundation
import LiveModels
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Prometheus

/// The router and what runs beside it, built once for `serve` and for the tests.
public struct Site {
    public let router: Router<BasicRequestContext>
    public let holder: ServedCatalogHolder
    public let reloader: CatalogReloadService
    /// Visitors' counts in memory, and the job that writes them to the database every second and on shutdown.
    public let counter: VisitorCounter
    public let countsWriter: VisitorCountsService
    /// With `--live-models`: the models read live, and the catalogue's image features they are compared with.
    public let liveModels: LiveModelDirectory?
    public let liveImages: CatalogImageIndex?
    public let liveTags: TagFoldIn?
}

/// Builds the router shared by `serve` and the tests: loads the first catalogue (one that cannot be loaded stops
/// the start with its error) and wires the routes to the holder of the catalogue being served.
public func buildSite(_ configuration: ServeConfiguration, storage: some SiteStorage, renderer: PageRenderer,
                      metrics: PrometheusCollectorRegistry? = nil, logger: Logger = Logger(label: "recasketch.serve"),
                      counter: VisitorCounter = VisitorCounter()) throws -> Site {
    let loader = ServedCatalogLoader(storage: storage, renderer: renderer, aboutAlgorithms: configuration.aboutAlgorithms)
    let holder = ServedCatalogHolder(try loader.loadNow())
    // The counts so far (every instance's), so the first report after a restart is whole.
    try counter.readStored(from: storage)
    let online = OnlineSection(counter: counter, renderer: renderer, defaultDays: configuration.onlineDays)
    let router = Router()
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ForwardedRequestIDMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: UnknownPathMiddleware())
    router.add(middleware: AllowedMethodsMiddleware())
    // Into the registry /metrics shows; without one, into whatever MetricsSystem was bootstrapped with.
    router.add(middleware: ResponseMetricsMiddleware(factory: metrics.map { PrometheusMetricsFactory(registry: $0) } ?? MetricsSystem.factory))
    router.add(middleware: TemplateErrorMiddleware())
    router.add(middleware: ProblemMiddleware())
    if let folder = configuration.thumbnailsDirectory {
        router.add(middleware: FileMiddleware(folder, urlBasePath: "/thumbnails", searchForIndexHtml: false))
    }
    let skeletons = try PageSkeletons(renderer: renderer)
    let live = try configuration.liveModels.map {
        try LiveModelSite.directory($0, holder: holder, store: storage as? CatalogStore, thumbnails: configuration.thumbnailsDirectory)
    }
    // Reading the features and vectors went through copies the allocator keeps; give them back to the system.
    if live != nil { loader.releaseFreeMemory() }
    PageController(holder: holder, renderer: renderer, skeletons: skeletons, online: online, live: live?.directory).addRoutes(to: router)
    APIController(holder: holder, live: live?.directory).addRoutes(to: router)
    EventsController(holder: holder, counter: counter, online: online).addRoutes(to: router)
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
    let reloader = CatalogReloadService(holder: holder, loader: loader, interval: configuration.reloadCheckInterval,
                                         logger: logger, staticPages: staticPages)
    let countsWriter = VisitorCountsService(counter: counter, storage: storage, interval: configuration.countsWriteInterval, logger: logger)
    return Site(router: router, holder: holder, reloader: reloader, counter: counter, countsWriter: countsWriter,
                liveModels: live?.directory, liveImages: live?.images, liveTags: live?.tags)
}
