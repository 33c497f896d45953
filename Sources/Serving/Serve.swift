import CatalogStore
import Crawler
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import SketchfabAPI
import Website

/// The `serve` stage: the site on its address, with Prometheus metrics, the catalogue reload and, when asked, the
/// thumbnail refresh running beside it as services that stop with the server.
public enum Serve {
    public static func run(_ configuration: ServeConfiguration) async throws {
        let store = try CatalogStore(existingAt: configuration.databasePath)
        let logger = makeLogger(label: "recasketch.serve")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var services: [any Service] = []
        if let refresh = configuration.thumbnailRefresh {
            let refreshLogger = makeLogger(label: "recasketch.refresh-thumbnails")
            services.append(ThumbnailRefreshService(
                store: store, client: SketchfabClient(configuration: refresh.sketchfab, transport: .live()),
                refresher: ThumbnailRefresher(olderThan: refresh.interval, concurrency: refresh.concurrency),
                interval: refresh.interval, log: { refreshLogger.info("\($0)") }))
            print("refreshing thumbnail links every \(refresh.interval) from \(refresh.sketchfab.apiBase)")
        }
        let app = try await buildApplication(configuration, storage: store, logger: logger, metrics: registry, services: services)
        print("serving \(configuration.databasePath) on \(configuration.addressDescription)")
        try await app.runService()
    }

    /// The application `serve` runs; tests use `buildSite` with `Application(router:)` and `app.test(.router)`.
    /// `services` run next to the server and share its graceful shutdown (the thumbnail refresh job); the catalogue
    /// reload runs beside them.
    public static func buildApplication(
        _ configuration: ServeConfiguration, storage: some SiteStorage, logger: Logger,
        metrics: PrometheusCollectorRegistry? = nil, services: [any Service] = []
    ) async throws -> some ApplicationProtocol {
        let renderer = try await PageRenderer()
        let site = try buildSite(configuration, storage: storage, renderer: renderer, metrics: metrics, logger: logger)
        logger.info("snapshot loaded", metadata: ["generation": "\(site.holder.current.generation)", "models": "\(site.holder.current.modelCount)"])
        let bindAddress: BindAddress
        switch configuration.address {
        case .unixSocket(let path):
            try UnixSocketFile.removeStale(at: path)
            bindAddress = .unixDomainSocket(path: path)
        case .tcp(let host, let port):
            bindAddress = .hostname(host, port: port)
        }
        return Application(router: site.router,
                           configuration: .init(address: bindAddress, serverName: "RecASketch"),
                           // Shut down in reverse: the server stops taking requests first, so the counts'
                           // last write (on graceful shutdown) holds every event it accepted.
                           services: services + [site.reloader, site.countsWriter],
                           onServerRunning: { _ in
                               // Owner and group (the web server's) may connect; nobody else.
                               if case .unixSocket(let path) = configuration.address { chmod(path, 0o660) }
                           },
                           logger: logger)
    }

    /// A logger at $LOG_LEVEL (trace … critical; info when unset or unknown).
    public static func makeLogger(label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}
