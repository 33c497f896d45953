import ArgumentParser
import CatalogStore
import Crawler
import Foundation
import SketchfabAPI

/// Options every command that talks to Sketchfab shares.
struct SketchfabClientOptions: ParsableArguments {
    @Option(help: "Sketchfab Data API base URL.", transform: ArgumentCheck.webAddress)
    var apiBase = "https://api.sketchfab.com"
    @Option(help: "Sketchfab site base URL (for the likes pages).", transform: ArgumentCheck.webAddress)
    var siteBase = "https://sketchfab.com"
    @Option(help: "Requests per second across all workers, 0.01–1000 (0: unlimited). Be polite to the real API.",
            transform: ArgumentCheck.real(0.01...1000, zeroMeans: "unlimited"))
    var rate: Double = 2
    @Option(help: "Concurrent requests, 1–64.", transform: ArgumentCheck.integer(1...64)) var concurrency = 4
    @Option(help: "Per-request timeout in seconds, 0.1–3600.", transform: ArgumentCheck.real(0.1...3600)) var timeout: Double = 20
    @Option(help: "Attempts per request before giving up, 1–100 (429, 5xx, timeouts and broken bodies are retried).",
            transform: ArgumentCheck.integer(1...100))
    var attempts = 8
    @Option(help: ArgumentHelp("Your e-mail address or URL, sent in the User-Agent (RecASketch/1.0 (+CONTACT)) so Sketchfab can reach whoever runs the crawler.",
                               discussion: "Default: $RECASKETCH_CONTACT. Required for the real API; optional against an --api-base on this machine."),
            transform: ArgumentCheck.nonEmpty)
    var contact: String?

    var configuration: SketchfabClientConfiguration {
        SketchfabClientConfiguration(
            apiBase: apiBase, siteBase: siteBase, requestsPerSecond: rate, timeout: .milliseconds(Int64((timeout * 1000).rounded())),
            maximumAttempts: attempts, token: Environment.value("SKETCHFAB_API_TOKEN"),
            contact: contact ?? Environment.value("RECASKETCH_CONTACT"))
    }

    /// Called by the commands that will talk to the API (serve only with --refresh-every).
    func requireContact() throws {
        if configuration.needsContact, configuration.contact == nil {
            throw ValidationError("--contact (or RECASKETCH_CONTACT) is required to talk to \(apiBase): say who runs this crawler, e.g. --contact you@example.org")
        }
    }

    func makeClient() -> SketchfabClient {
        SketchfabClient(configuration: configuration, transport: .live())
    }
}

struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Crawl Sketchfab's most-liked models, their likes, tags, categories and (optionally) thumbnails.",
        discussion: """
            Writes model_urls.psv, model_likes_anon.psv and model_feats.psv into --out (the format `import` reads), \
            and with --thumbnails square images into OUT/thumbnails/ (the smallest size at least --thumbnail-size on \
            both sides, centre-cropped, scaled). Walks the list by like count (--list-endpoint search: \
            /v3/search?type=models&sort_by=-likeCount, documented; models: /v3/models, whose sort by likes is not) \
            following each page's `next` as given, until models have fewer than --min-likes likes; if like counts \
            come out of order it says so and reads to the end or --max-pages instead. Likes come from /i/likes per \
            model (--likes-source model, what the 2017 crawler used, undocumented) or per user from \
            /v3/models?liked_by= (--likes-source user: the models' authors and the first --max-users of the users \
            search); both write the same files. Tags and categories come from the list. Progress is journalled in OUT/.crawl/: interrupt it at any moment (kill -9 \
            included) and run the same command to continue. The output files appear, each by an atomic rename, only \
            when every model is done; models that kept failing are listed and retried by the next run. \
            SKETCHFAB_API_TOKEN, if set, is sent as `Authorization: Token …`.
            """)

    @Option(help: "Output folder.", transform: ArgumentCheck.nonEmpty) var out: String
    @Option(help: "Stop at models with fewer likes than this.", transform: ArgumentCheck.integer(0...1_000_000_000)) var minLikes = 5
    @Option(help: "Replace user ids by HMAC-SHA256 with this secret key (or set RECASKETCH_ANONYMIZE_KEY).",
            transform: ArgumentCheck.nonEmpty)
    var anonymizeKey: String?
    @Flag(help: "Also download 200×200 thumbnails.") var thumbnails = false
    @Option(help: "Stop after this many list pages (for trial runs).", transform: ArgumentCheck.integer(1...10_000_000)) var maxPages: Int?
    @Option(help: "The model list: search (sorted by likes, documented) or models.") var listEndpoint: ModelListEndpoint = .search
    @Option(help: "Where likes come from: model (/i/likes per model) or user (/v3/models?liked_by= per user).") var likesSource: LikesSource = .model
    @Option(help: "Users read from the users search with --likes-source user, besides the authors, 0–10,000,000.",
            transform: ArgumentCheck.integer(0...10_000_000))
    var maxUsers = 10_000
    @Option(help: "Side of the square thumbnails, 16–2048.", transform: ArgumentCheck.integer(16...2048)) var thumbnailSize = 200
    @OptionGroup var sketchfab: SketchfabClientOptions

    func validate() throws { try sketchfab.requireContact() }

    func run() async throws {
        let options = CrawlOptions(outputDirectory: URL(fileURLWithPath: out), minimumLikes: minLikes, concurrency: sketchfab.concurrency,
                                   anonymizationKey: anonymizeKey ?? Environment.value("RECASKETCH_ANONYMIZE_KEY"),
                                   downloadThumbnails: thumbnails, maximumListPages: maxPages, listEndpoint: listEndpoint,
                                   likesSource: likesSource, maximumUsers: maxUsers, thumbnailSize: thumbnailSize)
        let summary: CrawlSummary
        do {
            summary = try await Crawl(options: options, client: sketchfab.makeClient()).run { print($0) }
        } catch let error as SketchfabError {
            throw CommandFailure("crawl stopped: \(error); progress is kept in \(out)/.crawl: run the same command again to resume")
        } catch let error as CrawlError {
            throw CommandFailure("crawl failed: \(error.description)")
        }
        for line in summary.reportLines(outputDirectory: out, thumbnails: thumbnails) { print(line) }
        guard summary.filesWritten else {
            throw CommandFailure("\(summary.failures.count) models failed; their progress is kept: run the same command again to retry them")
        }
    }
}

struct RefreshThumbnailsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh-thumbnails",
        abstract: "Re-read thumbnail links from the Sketchfab API for the models checked longest ago.",
        discussion: """
            Sketchfab's CDN links rotate. Takes the image crawl takes (the smallest at least 200 px on both sides, \
            else the largest; pages crop it square), updates only links that \
            changed, never blanks a known link when a read fails, and records when each model was checked. Models \
            never checked come first. `serve --refresh-every 48h` runs the same job in the background.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Re-read links last checked longer ago than this (e.g. 48h, 90m, 2d; 0s: every model).",
            transform: ArgumentCheck.duration())
    var olderThan: Duration = .seconds(48 * 3600)
    @Option(help: "At most this many models per run.", transform: ArgumentCheck.integer(1...100_000_000)) var limit = 100_000
    @OptionGroup var sketchfab: SketchfabClientOptions

    func validate() throws { try sketchfab.requireContact() }

    func run() async throws {
        let store = try database.openExisting()
        let report = try await ThumbnailRefresher(olderThan: olderThan, batchLimit: limit, concurrency: sketchfab.concurrency)
            .run(store: store, client: sketchfab.makeClient()) { print($0) }
        if report.failed > 0 {
            throw CommandFailure("\(report.failed) models could not be read from \(sketchfab.apiBase); they keep their links and come first next time")
        }
    }
}

extension ModelListEndpoint: ExpressibleByArgument {}
extension LikesSource: ExpressibleByArgument {}
