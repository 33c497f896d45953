import CatalogStore
import Crawler
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import SketchfabAPI
import Training
import WebExplorer

/// `serve --refresh-every`: how often, and through which client, thumbnail links are re-read beside the server.
public struct RefreshSchedule: Sendable {
    public var interval: Duration
    public var client: SketchfabClient
    public var concurrency: Int

    public init(interval: Duration, client: SketchfabClient, concurrency: Int) {
        self.interval = interval
        self.client = client
        self.concurrency = concurrency
    }
}

public struct ServeOptions: Sendable {
    public var databasePath: String
    public var host: String
    public var port: Int
    public var unixSocket: String?
    public var thumbnailsDirectory: String?
    public var reloadCheckSeconds: Int
    public var refresh: RefreshSchedule?
    public var staticPagesDirectory: String?

    public init(databasePath: String, host: String = "127.0.0.1", port: Int = 8080, unixSocket: String? = nil,
                thumbnailsDirectory: String? = nil, reloadCheckSeconds: Int = 2, refresh: RefreshSchedule? = nil,
                staticPagesDirectory: String? = nil) {
        self.databasePath = databasePath
        self.host = host
        self.port = port
        self.unixSocket = unixSocket
        self.thumbnailsDirectory = thumbnailsDirectory
        self.reloadCheckSeconds = reloadCheckSeconds
        self.refresh = refresh
        self.staticPagesDirectory = staticPagesDirectory
    }
}

/// The `serve` stage: the explorer's application with Prometheus metrics and, when asked, the thumbnail refresh
/// running beside it as a service that stops with the server.
public enum ExplorerServer {
    public static func run(_ options: ServeOptions) async throws {
        let store = try CatalogStore(existingAt: options.databasePath)
        let logger = makeLogger(label: "recasketch.serve")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let configuration = ExplorerConfiguration(
            host: options.host, port: options.port, unixSocket: options.unixSocket, thumbnailsDirectory: options.thumbnailsDirectory,
            algorithmDescriptions: TrainableAlgorithm.allCases.map { ($0.rawValue, $0.title, $0.description) },
            reloadCheckInterval: .seconds(options.reloadCheckSeconds), staticPagesDirectory: options.staticPagesDirectory)
        var services: [any Service] = []
        if let refresh = options.refresh {
            let refreshLogger = makeLogger(label: "recasketch.refresh-thumbnails")
            services.append(ThumbnailRefreshService(
                store: store, client: refresh.client,
                refresher: ThumbnailRefresher(olderThan: refresh.interval, concurrency: refresh.concurrency),
                interval: refresh.interval, log: { refreshLogger.info("\($0)") }))
            print("refreshing thumbnail links every \(refresh.interval) from \(refresh.client.configuration.apiBase)")
        }
        let app = try await buildApplication(configuration, storage: store, logger: logger, metrics: registry, services: services)
        print("serving \(options.databasePath) on " + (options.unixSocket.map { "unix:\($0)" } ?? "http://\(options.host):\(options.port)/"))
        try await app.runService()
    }

    /// A logger at $LOG_LEVEL (trace … critical; info when unset or unknown).
    public static func makeLogger(label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}
