import CatalogFiles
import Crypto
import ElapsedTime
import Foundation
import ImageCodecs
import SketchfabAPI

public struct CrawlOptions: Sendable {
    public var outputDirectory: URL
    public var minimumLikes: Int
    public var concurrency: Int
    /// HMAC-SHA256 key for user ids; nil keeps Sketchfab's ids.
    public var anonymizationKey: String?
    public var downloadThumbnails: Bool
    /// Stop after this many list pages (nil: until like counts drop below the minimum, or the end of the list).
    public var maximumListPages: Int?
    public var listEndpoint: ModelListEndpoint
    public var likesSource: LikesSource
    /// Users read from the users search with `LikesSource.user`, besides the crawled models' authors.
    public var maximumUsers: Int
    /// Side of the square thumbnails written.
    public var thumbnailSize: Int

    public init(outputDirectory: URL, minimumLikes: Int = 5, concurrency: Int = 4, anonymizationKey: String? = nil,
                downloadThumbnails: Bool = false, maximumListPages: Int? = nil, listEndpoint: ModelListEndpoint = .search,
                likesSource: LikesSource = .model, maximumUsers: Int = 10_000, thumbnailSize: Int = 200) {
        self.outputDirectory = outputDirectory
        self.minimumLikes = minimumLikes
        self.concurrency = max(1, concurrency)
        self.anonymizationKey = anonymizationKey
        self.downloadThumbnails = downloadThumbnails
        self.maximumListPages = maximumListPages
        self.listEndpoint = listEndpoint
        self.likesSource = likesSource
        self.maximumUsers = max(0, maximumUsers)
        self.thumbnailSize = max(16, thumbnailSize)
    }
}

/// Where the crawl reads who liked each model.
public enum LikesSource: String, Sendable, CaseIterable {
    /// `/i/likes?model=…` per model, as the 2017 crawler did: not part of the documented API.
    case model
    /// `/v3/models?liked_by={username}` per user (the documented way), for the models' authors and the users search.
    case user
}

public struct CrawlSummary: Sendable {
    public var models: Int
    public var likes: Int
    public var deleted: Int
    public var thumbnails: Int
    public var failures: [String]
    public var resumedModels: Int
    /// List results without what a model needs (uid, name), skipped.
    public var skippedResults: Int
    /// Whether the list came back out of like order (then it was read to its end or --max-pages).
    public var listOutOfOrder: Bool
    /// Users whose likes were read (`LikesSource.user`).
    public var usersRead: Int
    public var seconds: Double
    public var statistics: RequestStatistics
    public var filesWritten: Bool
}

/// The `crawl` command's work: walk the model list by likes, read every listed model's likes, optionally fetch
/// its thumbnail, journal each finished step, and write the published files when everything is done.
public struct Crawl: Sendable {
    public let options: CrawlOptions
    public let client: SketchfabClient

    public init(options: CrawlOptions, client: SketchfabClient) {
        self.options = options
        self.client = client
    }

    var stateDirectory: URL { options.outputDirectory.appendingPathComponent(".crawl") }
    var thumbnailsDirectory: URL { options.outputDirectory.appendingPathComponent("thumbnails") }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> CrawlSummary {
        let start = ContinuousClock.now
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        if options.downloadThumbnails { try fileManager.createDirectory(at: thumbnailsDirectory, withIntermediateDirectories: true) }
        let listJournal = JournalFile(url: stateDirectory.appendingPathComponent("list.jsonl"))
        let likesJournal = JournalFile(url: stateDirectory.appendingPathComponent("likes.jsonl"))
        let failuresJournal = JournalFile(url: stateDirectory.appendingPathComponent("failures.jsonl"))

        // 1. The model list, continued from the last finished page.
        let pages = try await walkModelList(listJournal, progress: progress)
        let resumed = pages.resumed
        // A model can move between pages while the list is walked (its like count changed): keep its first sighting.
        var seen = Set<String>()
        let models = pages.lines.flatMap(\.models).filter { seen.insert($0.uid).inserted }

        // 2. Likes (and thumbnails) of every model not finished yet, a bounded number at a time.
        var usersRead = 0
        if options.likesSource == .user {
            usersRead = try await readLikesByUser(models, likesJournal: likesJournal, failuresJournal: failuresJournal, progress: progress)
        }
        let done = Dictionary(try likesJournal.readLines(LikesLine.self).map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
        let pending = models.filter { done[$0.uid] == nil || (options.downloadThumbnails && done[$0.uid]?.deleted != true && !hasThumbnail($0.uid)) }
        let tracker = ProgressTracker(total: models.count, alreadyDone: models.count - pending.count, progress: progress, client: client)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var iterator = pending.makeIterator()
            func addNext() -> Bool {
                guard let model = iterator.next() else { return false }
                group.addTask {
                    do {
                        let line: LikesLine
                        if let known = done[model.uid] { line = known } else { line = try await likes(of: model) }
                        if options.downloadThumbnails, line.deleted != true { try await fetchThumbnail(model) }
                        if done[model.uid] == nil { try await tracker.record(line) { try likesJournal.append(line) } }
                        else { await tracker.recordResumed() }
                    } catch let error as CancellationError {
                        throw error
                    } catch {
                        let failure = "\(model.uid) (\(model.name)): \(error)"
                        try? failuresJournal.append(["uid": model.uid, "problem": "\(error)"])
                        await tracker.recordFailure(failure)
                    }
                }
                return true
            }
            for _ in 0..<options.concurrency { if !addNext() { break } }
            while try await group.next() != nil { _ = addNext() }
        }
        likesJournal.sync()

        // 3. Output files, only when every model is accounted for.
        let failures = await tracker.failures
        let allLikes = Dictionary(try likesJournal.readLines(LikesLine.self).map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
        var summary = CrawlSummary(models: 0, likes: 0, deleted: 0, thumbnails: 0, failures: failures, resumedModels: resumed ? models.count - pending.count : 0,
                                   skippedResults: pages.lines.reduce(0) { $0 + ($1.skipped ?? 0) },
                                   listOutOfOrder: pages.lines.contains { $0.unordered == true }, usersRead: usersRead,
                                   seconds: (ContinuousClock.now - start).inSeconds, statistics: client.currentStatistics, filesWritten: false)
        guard failures.isEmpty, models.allSatisfy({ allLikes[$0.uid] != nil }) else { return summary }
        var modelRecords: [ModelRecord] = [], likeRecords: [LikeRecord] = [], featureRecords: [FeatureRecord] = []
        for model in models {
            guard let line = allLikes[model.uid], line.deleted != true else { summary.deleted += 1; continue }
            guard let mid = ModelID(model.uid) else { throw CrawlError("model uid \(model.uid) is not a Sketchfab id") }
            modelRecords.append(ModelRecord(name: model.name, mid: mid))
            // Likers in id order, whichever way they were read: both likes sources write the same files.
            likeRecords += line.users.sorted().map { LikeRecord(modelName: model.name, mid: mid, user: anonymized($0)) }
            featureRecords += model.categories.map { FeatureRecord(mid: mid, kind: .category, value: $0) }
            featureRecords += model.tags.map { FeatureRecord(mid: mid, kind: .tag, value: $0) }
            if options.downloadThumbnails && hasThumbnail(model.uid) { summary.thumbnails += 1 }
        }
        try CatalogFileFormat.write(models: modelRecords, to: options.outputDirectory.appendingPathComponent(CatalogFileFormat.modelsFileName))
        try CatalogFileFormat.write(likes: likeRecords, to: options.outputDirectory.appendingPathComponent(CatalogFileFormat.likesFileName))
        try CatalogFileFormat.write(features: featureRecords, to: options.outputDirectory.appendingPathComponent(CatalogFileFormat.featuresFileName))
        summary.models = modelRecords.count
        summary.likes = likeRecords.count
        summary.filesWritten = true
        summary.seconds = (ContinuousClock.now - start).inSeconds
        summary.statistics = client.currentStatistics
        return summary
    }

    func listed(_ model: SketchfabModel) -> ListedModel {
        var tags: [String] = [], categories: [String] = []
        for tag in model.tags { if let label = tag.label, !tags.contains(label) { tags.append(label) } }
        for category in model.categories { if let label = category.label, !categories.contains(label) { categories.append(label) } }
        return ListedModel(uid: model.uid, name: model.name, likeCount: model.likeCount, tags: tags, categories: categories,
                           thumbnailURL: model.thumbnail(side: options.thumbnailSize)?.url, author: model.user)
    }

    /// Walks the model list from where the journal stopped. While like counts come in non-increasing order the walk
    /// stops at the first model below the minimum; if they do not (an endpoint whose order is not by likes), that
    /// is said once and every page is read, to the end or `maximumListPages`, keeping the models that qualify.
    func walkModelList(_ journal: JournalFile, progress: @Sendable (String) -> Void) async throws -> (lines: [ListPageLine], resumed: Bool) {
        var pages = try journal.readLines(ListPageLine.self)
        let resumed = !pages.isEmpty
        var ordered = !pages.contains { $0.unordered == true }
        var previousLikes = pages.last?.lastLikeCount ?? Int.max
        var nextPage: String? = pages.last.map { $0.next } ?? client.modelListURL(options.listEndpoint)
        while let url = nextPage, options.maximumListPages.map({ pages.count < $0 }) ?? true {
            let page = try await client.modelList(url: url)
            let counts = [previousLikes] + page.results.map(\.likeCount)
            if ordered, zip(counts, counts.dropFirst()).contains(where: { earlier, later in later > earlier }) {
                ordered = false
                let limit = options.maximumListPages.map { " or page \($0)" } ?? ""
                progress("list: like counts are not in decreasing order on page \(pages.count + 1) of \(url): reading every page "
                    + "(to the end\(limit)) instead of stopping at the first model below \(options.minimumLikes) likes")
            }
            let qualifying = ordered ? Array(page.results.prefix { $0.likeCount >= options.minimumLikes })
                : page.results.filter { $0.likeCount >= options.minimumLikes }
            let finished = page.next == nil || (ordered && qualifying.count < page.results.count)
            let line = ListPageLine(page: url, models: qualifying.map(listed), next: finished ? nil : page.next,
                                    unordered: ordered ? nil : true, lastLikeCount: page.results.last?.likeCount ?? previousLikes,
                                    skipped: page.skipped > 0 ? page.skipped : nil)
            try journal.append(line)
            pages.append(line)
            previousLikes = line.lastLikeCount ?? previousLikes
            nextPage = line.next
            if page.skipped > 0 { progress("list: \(page.skipped) results on \(url) lack a uid or a name: skipped") }
            progress("list: \(pages.count) pages, \(pages.reduce(0) { $0 + $1.models.count }) models with ≥ \(options.minimumLikes) likes")
        }
        return (pages, resumed)
    }

    /// Every page of a model's likes, in order; a model deleted since it was listed comes back as `deleted`.
    func likes(of model: ListedModel) async throws -> LikesLine {
        var users: [String] = []
        var url: String? = client.likesURL(model: model.uid)
        var pagesRead = 0
        while let current = url {
            let page: LikesPage
            do { page = try await client.likes(url: current) } catch let error as SketchfabError where error.isNotFound {
                return LikesLine(uid: model.uid, users: [], deleted: true)
            }
            users += page.results.map(\.uid)
            url = page.next
            pagesRead += 1
            if pagesRead > 100_000 { throw CrawlError("\(current): more than 100,000 pages of likes; stopping") }
        }
        return LikesLine(uid: model.uid, users: users, deleted: nil)
    }

    func hasThumbnail(_ uid: String) -> Bool {
        FileManager.default.fileExists(atPath: thumbnailsDirectory.appendingPathComponent("\(uid).jpg").path)
    }

    /// The chosen image (`SketchfabModel.thumbnail(side:)`), centre-cropped to a square and scaled to the thumbnail
    /// size, written as `{uid}.jpg` by temp file and rename.
    func fetchThumbnail(_ model: ListedModel) async throws {
        guard !hasThumbnail(model.uid), let url = model.thumbnailURL else { return }
        let side = options.thumbnailSize
        let bytes = try await client.fetch(url) { body -> [UInt8] in
            let image = try ImageFile.decode(body)  // a truncated image is retried like a truncated page
            if image.width == side && image.height == side && body.starts(with: [0xFF, 0xD8]) { return body }
            return try JPEGCodec.encode(image.centreCroppedSquare().resizedBilinear(width: side, height: side))
        }
        try AtomicFile.write(Data(bytes), to: thumbnailsDirectory.appendingPathComponent("\(model.uid).jpg"))
    }

    func anonymized(_ user: String) -> String {
        guard let key = options.anonymizationKey else { return user }
        let code = HMAC<SHA256>.authenticationCode(for: Data(user.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}

actor ProgressTracker {
    let total: Int
    var finished: Int
    var likes = 0
    var failures: [String] = []
    let progress: @Sendable (String) -> Void
    let client: SketchfabClient
    let start = ContinuousClock.now
    var lastReport = ContinuousClock.now
    let startedWith: Int

    init(total: Int, alreadyDone: Int, progress: @escaping @Sendable (String) -> Void, client: SketchfabClient) {
        self.total = total
        finished = alreadyDone
        startedWith = alreadyDone
        self.progress = progress
        self.client = client
    }

    /// Journal writes go through the actor, so lines never interleave.
    func record(_ line: LikesLine, write: () throws -> Void) throws {
        try write()
        finished += 1
        likes += line.users.count
        report()
    }

    func recordResumed() { finished += 1; report() }

    func recordFailure(_ failure: String) {
        failures.append(failure)
        progress("failed: \(failure)")
        report()
    }

    private func report() {
        let now = ContinuousClock.now
        guard now - lastReport >= .seconds(2) || finished + failures.count == total else { return }
        lastReport = now
        let elapsed = (now - start).inSeconds
        let statistics = client.currentStatistics
        let doneHere = finished - startedWith
        let remaining = total - finished - failures.count
        let eta = doneHere > 0 ? Double(remaining) * elapsed / Double(doneHere) : 0
        progress(String(format: "models %d/%d, %d likes, %.1f req/s, %d retries (%d rate-limited, %d server errors), %d failed, about %.0f s left",
                        finished, total, likes, Double(statistics.requests) / max(elapsed, 1e-3), statistics.retries,
                        statistics.rateLimited, statistics.serverErrors, failures.count, eta))
    }
}

