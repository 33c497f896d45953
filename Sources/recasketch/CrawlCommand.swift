import ArgumentParser
import CatalogStore
import Crawler
import Foundation
import SketchfabAPI

/// Options every command that talks to Sketchfab shares.
struct SketchfabClientOptions: ParsableArguments {
    @Option(help: "Sketchfab Data API base URL.") var apiBase = "https://api.sketchfab.com"
    @Option(help: "Sketchfab site base URL (for the likes pages).") var siteBase = "https://sketchfab.com"
    @Option(help: "Requests per second across all workers (0: unlimited). Be polite to the real API.") var rate: Double = 2
    @Option(help: "Concurrent requests.") var concurrency = 4
    @Option(help: "Per-request timeout in seconds.") var timeout: Double = 20
    @Option(help: "Attempts per request before giving up (429, 5xx, timeouts and broken bodies are retried).") var attempts = 8

    func makeClient() -> SketchfabClient {
        let configuration = SketchfabClientConfiguration(
            apiBase: apiBase, siteBase: siteBase, requestsPerSecond: rate, timeout: .milliseconds(Int64(timeout * 1000)),
            maximumAttempts: attempts, token: Environment.value("SKETCHFAB_API_TOKEN"))
        return SketchfabClient(configuration: configuration, transport: .live())
    }
}

struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Crawl Sketchfab's most-liked models, their likes, tags, categories and (optionally) thumbnails.",
        discussion: """
            Writes model_urls.psv, model_likes_anon.psv and model_feats.psv into --out (the format `import` reads), \
            and with --thumbnails the 200×200 images into OUT/thumbnails/. Walks the list by like count until models \
            have fewer than --min-likes likes, reads every model's likes to the last page, and takes tags and \
            categories from the list. Progress is journalled in OUT/.crawl/: interrupt it at any moment (kill -9 \
            included) and run the same command to continue. The output files appear, each by an atomic rename, only \
            when every model is done; models that kept failing are listed and retried by the next run. \
            SKETCHFAB_API_TOKEN, if set, is sent as `Authorization: Token …`.
            """)

    @Option(help: "Output folder.") var out: String
    @Option(help: "Stop at models with fewer likes than this.") var minLikes = 5
    @Option(help: "Replace user ids by HMAC-SHA256 with this secret key (or set RECASKETCH_ANONYMIZE_KEY).") var anonymizeKey: String?
    @Flag(help: "Also download 200×200 thumbnails.") var thumbnails = false
    @Option(help: "Stop after this many list pages (for trial runs).") var maxPages: Int?
    @OptionGroup var sketchfab: SketchfabClientOptions

    func run() async throws {
        let options = CrawlOptions(outputDirectory: URL(fileURLWithPath: out), minimumLikes: minLikes, concurrency: sketchfab.concurrency,
                                   anonymizationKey: anonymizeKey ?? Environment.value("RECASKETCH_ANONYMIZE_KEY"),
                                   downloadThumbnails: thumbnails, maximumListPages: maxPages)
        let summary: CrawlSummary
        do {
            summary = try await Crawl(options: options, client: sketchfab.makeClient()).run { print($0) }
        } catch let error as SketchfabError {
            throw ValidationError("\(error) — run the same command again to resume")
        } catch let error as CrawlError {
            throw ValidationError(error.description)
        }
        let statistics = summary.statistics
        print(String(format: "%d requests in %.1f s (%.1f req/s), %d retries: %d rate-limited, %d server errors, %d timeouts, %d broken bodies",
                     statistics.requests, summary.seconds, Double(statistics.requests) / max(summary.seconds, 1e-3), statistics.retries,
                     statistics.rateLimited, statistics.serverErrors, statistics.timeouts, statistics.undecodable))
        guard summary.filesWritten else {
            for failure in summary.failures { print("failed: \(failure)") }
            throw ValidationError("\(summary.failures.count) models failed; their progress is kept: run the same command again to retry them")
        }
        print("wrote \(summary.models) models, \(summary.likes) likes\(thumbnails ? ", \(summary.thumbnails) thumbnails" : "") into \(out)" +
              (summary.deleted > 0 ? " (\(summary.deleted) models deleted on Sketchfab during the crawl left out)" : ""))
        print("next: recasketch import --urls \(out)/model_urls.psv --likes \(out)/model_likes_anon.psv --features \(out)/model_feats.psv" +
              (thumbnails ? " --thumbnails \(out)/thumbnails" : "") + " --db recasketch.sqlite")
    }
}

struct RefreshThumbnailsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh-thumbnails",
        abstract: "Re-read thumbnail links from the Sketchfab API for the models checked longest ago.",
        discussion: """
            Sketchfab's CDN links rotate. Takes the 200×200 image (else the closest size), updates only links that \
            changed, never blanks a known link when a read fails, and records when each model was checked. Models \
            never checked come first. `serve --refresh-every 48h` runs the same job in the background.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Re-read links last checked longer ago than this (e.g. 48h, 90m, 2d).") var olderThan = "48h"
    @Option(help: "At most this many models per run.") var limit = 100_000
    @OptionGroup var sketchfab: SketchfabClientOptions

    func run() async throws {
        guard let age = DurationParser.parse(olderThan) else { throw ValidationError("--older-than \(olderThan): expected e.g. 48h, 90m, 2d") }
        guard FileManager.default.fileExists(atPath: database.path) else { throw ValidationError("no database at \(database.path)") }
        let store = try CatalogStore(path: database.path)
        let report = try await ThumbnailRefresher(olderThan: age, batchLimit: limit, concurrency: sketchfab.concurrency)
            .run(store: store, client: sketchfab.makeClient()) { print($0) }
        if report.failed > 0 { throw ValidationError("\(report.failed) models could not be read; they keep their links and come first next time") }
    }
}
