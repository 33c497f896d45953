import ArgumentParser
import CatalogStore
import Crawler
import ServiceLifecycle
import SketchfabAPI
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import Training
import WebExplorer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the explorer pages.",
        discussion: """
            Routes: / (picker), /models/{mid}, /index?mid=… and /index?link=… (redirects), /about, /healthz,
            /metrics (Prometheus), /thumbnails/{mid}.jpg (with --thumbnails).
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Address to listen on.") var host = Environment.value("RECASKETCH_HOST") ?? "127.0.0.1"
    @Option(help: "Port to listen on.") var port = Int(Environment.value("RECASKETCH_PORT") ?? "") ?? 8080
    @Option(help: "Folder of local thumbnails to serve under /thumbnails/.") var thumbnails: String?
    @Option(help: "Seconds a rendered page is served from memory (0: render every request).")
    var pageCacheSeconds = Int(Environment.value("RECASKETCH_PAGE_CACHE_SECONDS") ?? "") ?? 60
    @Option(help: ArgumentHelp("Re-read thumbnail links from the Sketchfab API in the background at this interval (e.g. 48h); links last checked longer ago than the interval are refreshed.",
                               discussion: "Off by default; $RECASKETCH_REFRESH_EVERY sets it too. Uses --api-base, --rate (default 2 req/s) and --concurrency (default 4)."))
    var refreshEvery: String?
    @OptionGroup(title: "Sketchfab API (for --refresh-every)") var sketchfab: SketchfabClientOptions

    func run() async throws {
        var refresh: RefreshSchedule?
        if let refreshEvery = refreshEvery ?? Environment.value("RECASKETCH_REFRESH_EVERY") {
            guard let interval = DurationParser.parse(refreshEvery), interval > .zero else {
                throw ValidationError("--refresh-every \(refreshEvery): expected e.g. 48h, 90m, 2d")
            }
            refresh = RefreshSchedule(interval: interval, client: sketchfab.makeClient(), concurrency: sketchfab.concurrency)
        }
        try await serve(databasePath: database.path, host: host, port: port, thumbnails: thumbnails,
                        pageCacheSeconds: pageCacheSeconds, refresh: refresh)
    }
}

struct RefreshSchedule {
    var interval: Duration
    var client: SketchfabClient
    var concurrency: Int
}

func serve(databasePath: String, host: String, port: Int, thumbnails: String?, pageCacheSeconds: Int = 60,
           refresh: RefreshSchedule? = nil) async throws {
    guard FileManager.default.fileExists(atPath: databasePath) else {
        throw ValidationError("no database at \(databasePath): run `recasketch import` (or `recasketch demo`) first")
    }
    let logger = makeLogger(label: "recasketch.serve")
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    let store = try CatalogStore(path: databasePath)
    let configuration = ExplorerConfiguration(
        host: host, port: port, thumbnailsDirectory: thumbnails,
        algorithmDescriptions: RecommenderCatalog.all.map { ($0.name, $0.title, $0.description) },
        pageCacheSeconds: pageCacheSeconds)
    var services: [any Service] = []
    if let refresh {
        let refreshLogger = makeLogger(label: "recasketch.refresh-thumbnails")
        services.append(ThumbnailRefreshService(
            store: store, client: refresh.client,
            refresher: ThumbnailRefresher(olderThan: refresh.interval, concurrency: refresh.concurrency),
            interval: refresh.interval, log: { refreshLogger.info("\($0)") }))
        print("refreshing thumbnail links every \(refresh.interval) from \(refresh.client.configuration.apiBase)")
    }
    let app = try await buildApplication(configuration, storage: store, logger: logger, metrics: registry, services: services)
    print("serving \(databasePath) on http://\(host):\(port)/")
    try await app.runService()
}

func makeLogger(label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = Environment.value("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}
