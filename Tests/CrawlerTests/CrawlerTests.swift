import CatalogFiles
import CatalogImport
import CatalogStore
import Crawler
import FakeSketchfab
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import HummingbirdTesting
import ImageCodecs
import SketchfabAPI
import TestSupport
import Testing

/// Runs `body` with a live fake Sketchfab on a free loopback port.
func withFake<T: Sendable>(_ fake: FakeSketchfab, _ body: @Sendable @escaping (String) async throws -> T) async throws -> T {
    let app = Application(router: fake.buildRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    let box = ResultBox<T>()
    try await app.test(.live) { client in
        box.value = try await body("http://127.0.0.1:\(client.port!)")
    }
    return box.value!
}

final class ResultBox<T>: @unchecked Sendable { var value: T? }

func client(_ base: String, attempts: Int = 12, timeout: Duration = .seconds(5), rate: Double = 0) -> SketchfabClient {
    SketchfabClient(configuration: SketchfabClientConfiguration(apiBase: base, siteBase: base, requestsPerSecond: rate, timeout: timeout,
                                                                maximumAttempts: attempts, initialBackoff: .milliseconds(2),
                                                                maximumBackoff: .milliseconds(40)),
                    transport: .live())
}

func files(_ folder: URL) throws -> [String: Data] {
    var contents: [String: Data] = [:]
    for name in [CatalogFileFormat.modelsFileName, CatalogFileFormat.likesFileName, CatalogFileFormat.featuresFileName] {
        contents[name] = try Data(contentsOf: folder.appendingPathComponent(name))
    }
    return contents
}

/// Every test here waits for a real HTTP server on loopback: a suite-wide limit stops a hang.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CrawlerTests {
    static let catalogue = FakeCatalogue.generate(models: 150, seed: 3, deletedEvery: 37)

    /// 5% 500s, 5% 429s, truncated bodies, slow answers past the client's timeout, with likes read per model
    /// (`/i/likes`) or per user (`liked_by=`): the output is still exactly the fake's ground truth, row for row, and
    /// every thumbnail is a 200×200 centre crop of a 16:9 image (none of the side bands the fake paints left).
    @Test(arguments: LikesSource.allCases)
    func crawlThroughFaultsMatchesTheGroundTruth(likesSource: LikesSource) async throws {
        let folder = try TemporaryDirectory()
        let faults = FaultInjection(serverErrors: 0.05, rateLimits: 0.05, truncatedBodies: 0.02, slowAnswers: 0.01,
                                    slowDelay: .milliseconds(1500), seed: 11)
        let fake = FakeSketchfab(catalogue: Self.catalogue, faults: faults)
        let out = folder.url
        let summary = try await withFake(fake) { base in
            try await Crawl(options: CrawlOptions(outputDirectory: out, minimumLikes: 5, concurrency: 6, downloadThumbnails: true,
                                                  likesSource: likesSource),
                            client: client(base, timeout: .milliseconds(700))).run()
        }
        #expect(fake.injectedFaults > 20)
        #expect(summary.filesWritten && summary.failures.isEmpty)
        #expect(summary.statistics.serverErrors > 0 && summary.statistics.rateLimited > 0 && summary.statistics.undecodable > 0)
        #expect(summary.statistics.timeouts > 0, "the slow answers outlast the 0.7 s timeout")
        let expected = Self.catalogue.expectedModels(minimumLikes: 5)
        #expect(summary.deleted > 0)
        let models = try CatalogFileFormat.readModels(PSVReader(contentsOf: out.appendingPathComponent(CatalogFileFormat.modelsFileName)))
        #expect(models.map(\.name) == expected.map(\.name))
        #expect(models.map(\.mid.rawValue) == expected.map(\.uid))
        let likes = try CatalogFileFormat.readLikes(PSVReader(contentsOf: out.appendingPathComponent(CatalogFileFormat.likesFileName)))
        #expect(likes.map { "\($0.mid.rawValue) \($0.user) \($0.modelName)" } == expected.flatMap { model in model.likers.sorted().map { "\(model.uid) \($0) \(model.name)" } })
        let features = try CatalogFileFormat.readFeatures(PSVReader(contentsOf: out.appendingPathComponent(CatalogFileFormat.featuresFileName)))
        #expect(features.map { "\($0.mid.rawValue) \($0.kind.rawValue) \($0.value)" } ==
                expected.flatMap { m in m.categories.map { "\(m.uid) category \($0)" } + m.tags.map { "\(m.uid) tag \($0)" } })
        let band = FakeSketchfab.bandColour
        for model in expected {
            let image = try ImageFile.decode([UInt8](Data(contentsOf: out.appendingPathComponent("thumbnails/\(model.uid).jpg"))))
            #expect(image.width == 200 && image.height == 200)
            // JPEG blurs edges a little: count pixels close to the band colour, which a squashed image keeps by the column.
            var banded = 0
            for pixel in stride(from: 0, to: image.pixels.count, by: 3) where abs(Int(image.pixels[pixel]) - Int(band.red)) < 40
                && abs(Int(image.pixels[pixel + 1]) - Int(band.green)) < 40 && abs(Int(image.pixels[pixel + 2]) - Int(band.blue)) < 40 {
                banded += 1
            }
            #expect(banded < 200, "\(model.uid): \(banded) pixels of the side bands kept")
        }
        if likesSource == .user { #expect(summary.usersRead > 0) }
    }

    /// `/v3/models` does not sort by likes (the fake lists newest first, as the documentation allows): the crawl says
    /// so, reads every page instead of stopping at the first low one, and still finds every qualifying model.
    @Test func aListOutOfLikeOrderIsReadToTheEnd() async throws {
        let folder = try TemporaryDirectory()
        let out = folder.url
        let lines = LineCollector()
        let summary = try await withFake(FakeSketchfab(catalogue: Self.catalogue)) { base in
            try await Crawl(options: CrawlOptions(outputDirectory: out, minimumLikes: 45, listEndpoint: .models), client: client(base))
                .run { lines.add($0) }
        }
        #expect(summary.filesWritten && summary.listOutOfOrder)
        #expect(lines.all.filter { $0.contains("not in decreasing order") }.count == 1, "said once")
        let models = try CatalogFileFormat.readModels(PSVReader(contentsOf: out.appendingPathComponent(CatalogFileFormat.modelsFileName)))
        #expect(Set(models.map(\.mid.rawValue)) == Set(Self.catalogue.expectedModels(minimumLikes: 45).map(\.uid)))
        #expect(Self.catalogue.expectedModels(minimumLikes: 45).count < Self.catalogue.models.count / 2, "the low ones were left out")
    }

    /// Cancel a crawl midway, leave a half-written journal line behind, resume: the files are byte for byte those
    /// of an uninterrupted crawl.
    @Test func interruptedAndResumedCrawlGivesTheSameBytes() async throws {
        let straight = try TemporaryDirectory(), resumed = try TemporaryDirectory()
        let faults = FaultInjection(serverErrors: 0.03, rateLimits: 0.03, seed: 5)
        let options = { @Sendable (url: URL) in CrawlOptions(outputDirectory: url, minimumLikes: 5, concurrency: 4) }
        _ = try await withFake(FakeSketchfab(catalogue: Self.catalogue, faults: faults)) { base in
            try await Crawl(options: options(straight.url), client: client(base)).run()
        }
        let fake = FakeSketchfab(catalogue: Self.catalogue, faults: faults)
        let resumedURL = resumed.url
        try await withFake(fake) { base in
            let crawl = Task { try await Crawl(options: options(resumedURL), client: client(base)).run() }
            try await waitUntil("the fake Sketchfab to answer 120 requests", every: .milliseconds(2)) { fake.requestCount >= 120 }
            crawl.cancel()
            _ = try? await crawl.value
        }
        #expect(!FileManager.default.fileExists(atPath: resumed.file(CatalogFileFormat.modelsFileName).path),
                "no output before the crawl is complete")
        let journal = resumed.url.appendingPathComponent(".crawl/likes.jsonl")
        let handle = try FileHandle(forWritingTo: journal)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"uid\":\"half-writ".utf8))  // as if killed mid-write
        try handle.close()
        let summary = try await withFake(FakeSketchfab(catalogue: Self.catalogue, faults: faults)) { base in
            try await Crawl(options: options(resumedURL), client: client(base)).run()
        }
        #expect(summary.resumedModels > 0)
        #expect(try files(resumed.url) == files(straight.url))
    }

    /// A model whose likes always fail is reported by uid and no output is written; once the API recovers, the
    /// same command finishes the job and the files match an uninterrupted crawl.
    @Test func aModelThatKeepsFailingIsReportedThenRetried() async throws {
        let folder = try TemporaryDirectory(), reference = try TemporaryDirectory()
        let out = folder.url, referenceURL = reference.url
        let broken = Self.catalogue.expectedModels(minimumLikes: 20)[3]
        let failed = try await withFake(FakeSketchfab(catalogue: Self.catalogue, faults: FaultInjection(brokenModels: [broken.uid]))) { base in
            try await Crawl(options: CrawlOptions(outputDirectory: out, minimumLikes: 20), client: client(base, attempts: 3)).run()
        }
        #expect(!failed.filesWritten && failed.failures.count == 1 && failed.failures[0].contains(broken.uid))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(CatalogFileFormat.likesFileName).path))
        let finished = try await withFake(FakeSketchfab(catalogue: Self.catalogue)) { base in
            _ = try await Crawl(options: CrawlOptions(outputDirectory: referenceURL, minimumLikes: 20), client: client(base)).run()
            return try await Crawl(options: CrawlOptions(outputDirectory: out, minimumLikes: 20), client: client(base)).run()
        }
        #expect(finished.filesWritten && finished.failures.isEmpty)
        #expect(try files(out) == files(referenceURL))
    }

    @Test func retriesRunOutWithAnErrorNamingTheURL() async throws {
        let fake = FakeSketchfab(catalogue: Self.catalogue, faults: FaultInjection(serverErrors: 1))
        let error = try await withFake(fake) { base -> String in
            do { _ = try await client(base, attempts: 3).modelList(url: client(base).modelListURL()); return "" } catch { return "\(error)" }
        }
        #expect(error.contains("/v3/search?type=models&sort_by=-likeCount") && error.contains("3 attempts") && error.contains("HTTP 500"))
    }

    @Test func usersAreAnonymisedConsistently() async throws {
        let folder = try TemporaryDirectory()
        let out = folder.url
        _ = try await withFake(FakeSketchfab(catalogue: Self.catalogue)) { base in
            try await Crawl(options: CrawlOptions(outputDirectory: out, minimumLikes: 40, anonymizationKey: "secret"), client: client(base)).run()
        }
        let likes = try CatalogFileFormat.readLikes(PSVReader(contentsOf: out.appendingPathComponent(CatalogFileFormat.likesFileName)))
        let originals = Set(Self.catalogue.models.flatMap(\.likers))
        #expect(!likes.isEmpty && likes.allSatisfy { $0.user.count == 64 && !originals.contains($0.user) })
        let first = Self.catalogue.expectedModels(minimumLikes: 40)[0]
        #expect(Set(likes.filter { $0.mid.rawValue == first.uid }.map(\.user)).count == first.likers.count)
    }

    /// Awkward names survive crawl → files → import; the refresh job fills links, follows a CDN rotation, and keeps
    /// links when the API fails.
    @Test func crawlImportAndRefreshThumbnails() async throws {
        let folder = try TemporaryDirectory()
        let out = folder.url.appendingPathComponent("crawl")
        let fake = FakeSketchfab(catalogue: Self.catalogue)
        let store = try folder.store()
        let reports = try await withFake(fake) { base -> [ThumbnailRefreshReport] in
            _ = try await Crawl(options: CrawlOptions(outputDirectory: out, minimumLikes: 5), client: client(base)).run()
            _ = try CatalogImporter.run(.folder(out), into: store)
            var clock = Date(timeIntervalSince1970: 1_800_000_000)
            let refresher = { @Sendable (now: Date) in ThumbnailRefresher(olderThan: .seconds(3600), now: { now }) }
            let first = try await refresher(clock).run(store: store, client: client(base))
            fake.rotateThumbnails()
            let tooSoon = try await refresher(clock.addingTimeInterval(60)).run(store: store, client: client(base))
            clock.addTimeInterval(7200)
            let second = try await refresher(clock).run(store: store, client: client(base))
            return [first, tooSoon, second]
        }
        let expected = Self.catalogue.expectedModels(minimumLikes: 5)
        for model in expected {
            let stored = try #require(try await store.model(mid: model.uid))
            #expect(stored.name == model.name)
        }
        #expect(expected.contains { $0.name.contains("\n") } && expected.contains { $0.name.contains("|") } && expected.contains { $0.name.contains("🐉") })
        #expect(reports[0].changed == expected.count && reports[0].failed == 0)
        #expect(reports[1].checked == 0)
        #expect(reports[2].changed == expected.count)
        let link = try #require(try store.thumbnailURL(mid: expected[0].uid))
        #expect(link.contains("/v2/") && link.hasSuffix("720x405.jpg"), "the smallest image at least 200 px on both sides")

        // The API fails on every request: links stay as they were, and the models stay due.
        let failing = FakeSketchfab(catalogue: Self.catalogue, faults: FaultInjection(serverErrors: 1))
        let failed = try await withFake(failing) { base in
            try await ThumbnailRefresher(olderThan: .seconds(0), now: { Date(timeIntervalSince1970: 1_900_000_000) })
                .run(store: store, client: client(base, attempts: 2))
        }
        #expect(failed.failed == expected.count && failed.changed == 0)
        #expect(try store.thumbnailURL(mid: expected[0].uid) == link)
    }

    @Test func durationsParse() {
        #expect(DurationParser.parse("48h") == .seconds(172_800))
        #expect(DurationParser.parse("90m") == .seconds(5400))
        #expect(DurationParser.parse("2d") == .seconds(172_800))
        #expect(DurationParser.parse("15") == .seconds(15))
        #expect(DurationParser.parse("500ms") == .milliseconds(500))
        #expect(DurationParser.parse("0s") == .zero)
        #expect(DurationParser.parse("1.5h") == .seconds(5400))
        #expect(DurationParser.parse("3650d") == DurationParser.longest)
        // Nothing that could overflow or trap when converted: each is refused.
        for text in ["soon", "inf", "infh", "-inf", "nan", "nanm", "1e300h", "1e300", "3651d", "-5m", "", "h", ".", "1.2.3s", "0x10", "1e3s", "99999999999999999999d"] {
            #expect(DurationParser.parse(text) == nil, "\(text)")
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct ThumbnailRefreshServiceTests {
    /// The background job refreshes on its own, repeats at its interval, and ends with the service group's
    /// graceful shutdown (as when `serve` stops).
    @Test func runsBesideTheServerAndStopsWithIt() async throws {
        let folder = try TemporaryDirectory()
        let out = folder.url.appendingPathComponent("crawl")
        let catalogue = FakeCatalogue.generate(models: 30, seed: 4)
        let fake = FakeSketchfab(catalogue: catalogue)
        let store = try folder.store()
        try await withFake(fake) { base in
            _ = try await Crawl(options: CrawlOptions(outputDirectory: out, minimumLikes: 1), client: client(base)).run()
            _ = try CatalogImporter.run(.folder(out), into: store)
            let runs = RunCounter()
            let service = ThumbnailRefreshService(store: store, client: client(base),
                                                  refresher: ThumbnailRefresher(olderThan: .seconds(0)),
                                                  interval: .milliseconds(50)) { line in if line.contains("unchanged") { runs.add() } }
            let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await waitUntil("two runs of the refresh service", every: .milliseconds(10)) { runs.count >= 2 }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(runs.count >= 2)
        }
        let expected = catalogue.expectedModels(minimumLikes: 1)
        for model in expected { #expect(try store.thumbnailURL(mid: model.uid)?.hasPrefix("http://127.0.0.1") == true) }
    }
}

final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    func add(_ line: String) { lock.withLock { lines.append(line) } }
}

final class RunCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.withLock { value } }
    func add() { lock.withLock { value += 1 } }
}
