import ArgumentParser
import Crawler
import LiveModels
import SketchfabAPI
import VisualFeatures
import Serving
import Website
import Foundation
import Synchronization

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the explorer pages.",
        discussion: """
            Routes: / (picker and most liked), /models/{mid}, /index?mid=… and /index?link=… (redirects), /search, \
            /random, /tags/{tag}, /categories/{slug}, /about, /evaluation (the newest `evaluate --db` run and what visitors click), \
            /api/v1/… (JSON, described by /openapi.json; POST /api/v1/recommendations folds a visitor's likes into \
            WRMF for "For you"; POST /api/v1/events counts the pages' carousel views and clicks), /healthz, /metrics \
            (Prometheus), /thumbnails/{mid}.jpg (with --thumbnails). Everything a page shows is loaded into memory at \
            start; when `import` or `train` publishes a new catalogue (or on SIGHUP) the server loads it beside the \
            old one and switches without dropping a request. SIGTERM or SIGINT stops accepting connections and \
            lets the requests in flight finish before exiting. RECASKETCH_HOST, RECASKETCH_PORT, \
            RECASKETCH_UNIX_SOCKET, RECASKETCH_RELOAD_CHECK_SECONDS, RECASKETCH_REFRESH_EVERY and \
            RECASKETCH_STATIC_PAGES stand in for their flags and are checked the same way. deploy/README.md describes the deployment behind nginx with systemd.
            """)

    static let hostSetting = EnvironmentSetting(name: "RECASKETCH_HOST", parse: ArgumentCheck.nonEmpty)
    static let portSetting = EnvironmentSetting(name: "RECASKETCH_PORT", parse: ArgumentCheck.integer(1...65_535))
    static let unixSocketSetting = EnvironmentSetting(name: "RECASKETCH_UNIX_SOCKET", parse: ArgumentCheck.nonEmpty)
    static let reloadCheckSetting = EnvironmentSetting(name: "RECASKETCH_RELOAD_CHECK_SECONDS", parse: ArgumentCheck.integer(1...3600))
    static let refreshSetting = EnvironmentSetting(name: "RECASKETCH_REFRESH_EVERY", parse: ArgumentCheck.duration(minimum: .seconds(1)))
    static let staticPagesSetting = EnvironmentSetting(name: "RECASKETCH_STATIC_PAGES", parse: ArgumentCheck.nonEmpty)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Address to listen on (default: $RECASKETCH_HOST, else 127.0.0.1, this machine only).", transform: ArgumentCheck.nonEmpty)
    var host: String?
    @Option(help: "Port to listen on, 1–65535 (default: $RECASKETCH_PORT, else 8080).", transform: ArgumentCheck.integer(1...65_535))
    var port: Int?
    @Option(help: ArgumentHelp("Listen on this Unix domain socket instead of a TCP port (default: $RECASKETCH_UNIX_SOCKET).",
                               discussion: "The socket is made mode 0660, so the web server's group can connect; a stale socket left by a killed instance is replaced. Several instances may serve the same database, each on its own socket or port."),
            transform: ArgumentCheck.nonEmpty)
    var unixSocket: String?
    @Option(help: "Folder of local thumbnails, served under /thumbnails/.", transform: ArgumentCheck.nonEmpty) var thumbnails: String?
    @Option(help: "Seconds between checks for a newly published catalogue, 1–3600 (default: $RECASKETCH_RELOAD_CHECK_SECONDS, else 2).",
            transform: ArgumentCheck.integer(1...3600))
    var reloadCheckSeconds: Int?
    @Option(help: ArgumentHelp("Re-read thumbnail links from the Sketchfab API in the background at this interval (e.g. 48h); links last checked longer ago than the interval are refreshed.",
                               discussion: "Off by default; $RECASKETCH_REFRESH_EVERY sets it too. Uses --api-base, --rate (default 2 req/s) and --concurrency (default 4)."),
            transform: ArgumentCheck.duration(minimum: .seconds(1)))
    var refreshEvery: Duration?
    @Option(help: ArgumentHelp("Write every model page into this folder for a web server to send as a file ($RECASKETCH_STATIC_PAGES sets it too).",
                               discussion: "DIR/current links to the complete set for the catalogue being served (DIR/generation-N/models/{mid}.html), rewritten after each newly published catalogue and replaced in one step; the previous set is kept. Instances sharing DIR take turns. deploy/nginx/recasketch.conf sends these files and passes everything else to the instances."),
            transform: ArgumentCheck.nonEmpty)
    var staticPages: String?
    @Option(help: ArgumentHelp("The window of days, 1–3650, \"What visitors click\" reports on /evaluation and /api/v1/evaluation/online when a request names none (?days=N or ?days=all; default: every day counted).",
                               discussion: "The model pages' script reports carousels coming into view and cards clicked to POST /api/v1/events (never under Do Not Track or Global Privacy Control); the server keeps counts only, per UTC day, carousel and position, adds them to the database every second and once more on SIGTERM. Instances sharing the database each add their own."),
            transform: ArgumentCheck.integer(1...3650))
    var days: Int?
    @Flag(help: ArgumentHelp("Answer models outside the catalogue live: a pasted link, /?mid=, /models/{mid} or the API reads the model from Sketchfab (GET /v3/models/{uid}), its thumbnail, and finds its neighbours in the catalogue.",
                             discussion: "Off by default. Uses --api-base, --site-base and --contact (required against the real API), --live-rate, --live-concurrency, --live-max-age and --live-cache. \"Visually similar\" needs --thumbnails (the catalogue's features are read from the feature cache by each thumbnail's checksum); \"Likes + tags\" uses the tags the Likes + tags model knows. Live models are kept in memory and in the database's live_models table."))
    var liveModels = false
    @Option(help: "Requests per second to Sketchfab for live models, whatever the traffic, 0.01–100.", transform: ArgumentCheck.real(0.01...100))
    var liveRate: Double = 2
    @Option(help: "Live models read from Sketchfab at once, 1–64.", transform: ArgumentCheck.integer(1...64))
    var liveConcurrency = 4
    @Option(help: "Read a kept live model again after this long (e.g. 48h, the default).", transform: ArgumentCheck.duration(minimum: .seconds(1)))
    var liveMaxAge: Duration = .seconds(48 * 3600)
    @Option(help: "Live models kept in memory, least recently viewed dropped first, 1–1,000,000 (default 1,000; the rest stay in the database).",
            transform: ArgumentCheck.integer(1...1_000_000))
    var liveCache = 1000
    @OptionGroup(title: "Sketchfab API (for --refresh-every and --live-models)") var sketchfab: SketchfabClientOptions

    func validate() throws {
        _ = try Self.hostSetting.value()
        _ = try Self.portSetting.value()
        _ = try Self.unixSocketSetting.value()
        if (unixSocket != nil || (try? Self.unixSocketSetting.value()) != nil), host != nil || port != nil {
            throw ValidationError("--unix-socket replaces --host and --port: give one or the other")
        }
        _ = try Self.reloadCheckSetting.value()
        _ = try Self.staticPagesSetting.value()
        if try refreshEvery ?? Self.refreshSetting.value() != nil || liveModels { try sketchfab.requireContact() }
    }

    /// The one configuration `serve` runs with: each setting from its flag, else its environment variable, else
    /// the default.
    func serveConfiguration() throws -> ServeConfiguration {
        let address: ServeConfiguration.Address
        if let path = try unixSocket ?? Self.unixSocketSetting.value() {
            address = .unixSocket(path: path)
        } else {
            address = .tcp(host: try host ?? Self.hostSetting.value() ?? "127.0.0.1", port: try port ?? Self.portSetting.value() ?? 8080)
        }
        let refresh = try (refreshEvery ?? Self.refreshSetting.value()).map { interval in
            ServeConfiguration.ThumbnailRefresh(interval: interval, concurrency: sketchfab.concurrency, sketchfab: sketchfab.configuration)
        }
        var configuration = ServeConfiguration(databasePath: database.path, address: address, thumbnailsDirectory: thumbnails,
                                               reloadCheckInterval: .seconds(try reloadCheckSeconds ?? Self.reloadCheckSetting.value() ?? 2),
                                               staticPagesDirectory: try staticPages ?? Self.staticPagesSetting.value(), thumbnailRefresh: refresh)
        configuration.onlineDays = days
        if liveModels {
            // Few attempts and a short timeout: a visitor is waiting; a failure becomes a 503 page for a minute.
            var client = sketchfab.configuration
            client.requestsPerSecond = liveRate
            client.maximumAttempts = min(client.maximumAttempts, 2)
            client.timeout = min(client.timeout, .seconds(5))
            let weights = VisualWeightsLoader()
            configuration.liveModels = LiveModelOptions(
                sketchfab: client, transport: .live(),
                settings: .init(capacity: liveCache, maximumAge: liveMaxAge, concurrency: liveConcurrency),
                descriptor: { weights.descriptor(named: $0) })
        }
        return configuration
    }

    func run() async throws {
        try await Serve.run(serveConfiguration())
    }
}

/// The descriptor a catalogue's visual carousel names, for live models: the classical one, or the CNN with the
/// installed weights at the input side the name says (loaded once, when first asked).
final class VisualWeightsLoader: Sendable {
    private let loaded = Mutex<[String: VisualDescriptor?]>([:])

    func descriptor(named name: String) -> VisualDescriptor? {
        if name == VisualDescriptor.classical.name { return .classical }
        return loaded.withLock { cache in
            if let known = cache[name] { return known }
            var found: VisualDescriptor?
            let prefix = "efficientnet-lite0-imagenet-"
            if name.hasPrefix(prefix), name.hasSuffix("px"), let side = Int(name.dropFirst(prefix.count).dropLast(2)),
               let network = try? loadNetwork(nil) {
                let candidate = VisualDescriptor.efficientNetLite0(network, inputSide: side)
                if candidate.name == name { found = candidate }
            }
            cache[name] = found
            return found
        }
    }
}
