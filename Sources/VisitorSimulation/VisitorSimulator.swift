import AlgorithmIdentity
import ElapsedTime
import Foundation
import OnlineEvaluation
import SeededRandom

/// Plays visitors against a running site through the endpoints the page's script uses, to show the online report
/// finds what it should without real visitors. On the demo catalogue, whose generator wrote each model's hidden
/// topic, a simulated visitor opens a model's page, sees the carousels in a fresh random order under the mixed one
/// ("Picked from all of them", drawn by team-draft multileaving as the script does), scrolls down some way, and
/// clicks the first card that tempts them: an on-topic card with probability `onTopic`, an off-topic one with
/// `offTopic`, both discounted by the card's place. The first click ends the page view, as following a link does.
public struct VisitorSimulator: Sendable {
    /// How simulated visitors behave.
    public struct Behaviour: Sendable {
        /// Chance of clicking a card, on the page's topic or not, at the first place of a carousel.
        public var onTopic: Double
        public var offTopic: Double
        /// Each later card keeps this share of the chance (position bias).
        public var positionDecay: Double
        /// Chance of scrolling on from one carousel to the next.
        public var scrollOn: Double

        public init(onTopic: Double = 0.06, offTopic: Double = 0.01, positionDecay: Double = 0.85, scrollOn: Double = 0.7) {
            self.onTopic = onTopic
            self.offTopic = offTopic
            self.positionDecay = positionDecay
            self.scrollOn = scrollOn
        }
    }

    public struct Outcome: Sendable {
        public var pageViews: Int
        /// What the simulator sent, counted by the same rules the server counts by.
        public var sent: VisitorTally
        public var events: Int
        /// Bodies the site refused (there should be none).
        public var refused: Int
        /// The site's report (`GET /api/v1/evaluation/online?days=all`) after the run.
        public var reportJSON: Data
        public var report: [String: Any] { (try? JSONSerialization.jsonObject(with: reportJSON)) as? [String: Any] ?? [:] }
        public var seconds: Double
        /// Counts the site added that differ from what was sent (none when it counted exactly).
        public var mismatches: [String]

        /// Each pair's verdict as the site's report gives it: "a preferred", "b preferred" or "not distinguishable".
        public var verdicts: [String: String] {
            var verdicts: [String: String] = [:]
            for pair in report["pairs"] as? [[String: Any]] ?? [] {
                guard let a = pair["a"] as? String, let b = pair["b"] as? String else { continue }
                verdicts["\(a) vs \(b)"] = pair["verdict"] as? String ?? "?"
            }
            return verdicts
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case site(String)
        public var description: String {
            switch self { case .site(let text): text }
        }
    }

    let connection: SiteConnection
    /// Each model's hidden topic (the demo generator's model_topics.psv); the pages visited are drawn from these.
    let topics: [String: String]
    let behaviour: Behaviour
    let concurrency: Int

    public init(connection: SiteConnection, topics: [String: String], behaviour: Behaviour = Behaviour(), concurrency: Int = 8) {
        self.connection = connection
        self.topics = topics
        self.behaviour = behaviour
        self.concurrency = max(1, concurrency)
    }

    /// A page as the simulator sees it: the leading algorithms' lists (the ones mixed and shuffled), by algorithm.
    struct Page: Sendable {
        let mid: String
        let lists: [(algorithm: Recommender, models: [String])]
    }

    /// Runs `pageViews` page views drawn from `seed`: the same seed gives the same visits, clicks and counts.
    public func run(pageViews: Int, seed: UInt64, progress: (@Sendable (Int) -> Void)? = nil) async throws -> Outcome {
        let started = ContinuousClock.now
        let leading = try await leadingAlgorithms()
        let before = try await onlineReport()
        let candidates = topics.keys.sorted()
        guard !candidates.isEmpty else { throw Failure.site("no models to visit: the topics file is empty") }
        let pages = PageCache()
        var sent = VisitorTally(), events = 0, refused = 0, done = 0
        let today = VisitorDay(Date())
        try await withThrowingTaskGroup(of: (VisitorTally, Int, Int).self) { group in
            var next = 0
            func start() {
                let view = next
                next += 1
                group.addTask {
                    var random = SeededGenerator(seed: seed, stream: UInt64(view))
                    // A page the site shows carousels for, drawn again when one has none.
                    for _ in 0..<20 {
                        let mid = candidates[random.below(candidates.count)]
                        guard let page = try await pages.page(mid, leading: leading, connection: connection), !page.lists.isEmpty else { continue }
                        let visit = visitEvents(page, using: &random)
                        guard !visit.isEmpty else { return (VisitorTally(), 0, 0) }
                        let (status, body) = try await connection.post("/api/v1/events", VisitorEvent.body(visit), "application/json")
                        guard (200..<300).contains(status) else {
                            throw Failure.site("the site refused a page view's events (\(status)): \(String(decoding: body.prefix(300), as: UTF8.self))")
                        }
                        var tally = VisitorTally()
                        for event in visit { tally.record(Self.counted(event), on: today) }
                        return (tally, visit.count, 0)
                    }
                    return (VisitorTally(), 0, 0)
                }
            }
            for _ in 0..<min(concurrency, pageViews) { start() }
            while let (tally, count, refusedCount) = try await group.next() {
                sent.merge(tally)
                events += count
                refused += refusedCount
                done += 1
                progress?(done)
                if next < pageViews { start() }
            }
        }
        let elapsed = ContinuousClock.now - started
        let report = try await onlineReport()
        return Outcome(pageViews: pageViews, sent: sent, events: events, refused: refused,
                       reportJSON: (try? JSONSerialization.data(withJSONObject: report)) ?? Data(),
                       seconds: elapsed.inSeconds,
                       mismatches: Self.mismatches(sent: sent, before: before, after: report))
    }

    func onlineReport() async throws -> [String: Any] {
        let (status, body) = try await connection.get("/api/v1/evaluation/online?days=all")
        guard status == 200, let report = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw Failure.site("GET /api/v1/evaluation/online answered \(status)")
        }
        return report
    }

    /// Where the site's counts grew by other than what was sent: each carousel's views and clicks, each position's,
    /// each pair's wins, losses and ties. Empty when every count matches.
    static func mismatches(sent: VisitorTally, before: [String: Any], after: [String: Any]) -> [String] {
        func counts(_ report: [String: Any]) -> [String: Int] {
            var counts: [String: Int] = [:]
            for row in report["algorithms"] as? [[String: Any]] ?? [] {
                let name = row["algorithm"] as? String ?? "?"
                counts["\(name) views"] = row["impressions"] as? Int ?? 0
                counts["\(name) clicks"] = row["clicks"] as? Int ?? 0
            }
            for (key, label) in [("positions", "card"), ("picked_positions", "mixed card")] {
                for row in report[key] as? [[String: Any]] ?? [] {
                    let position = (row["position"] as? Int ?? 0) + 1
                    counts["\(label) \(position) views"] = row["impressions"] as? Int ?? 0
                    counts["\(label) \(position) clicks"] = row["clicks"] as? Int ?? 0
                }
            }
            for row in report["pairs"] as? [[String: Any]] ?? [] {
                let pair = "\(row["a"] as? String ?? "?") vs \(row["b"] as? String ?? "?")"
                for field in ["wins", "losses", "ties"] { counts["\(pair) \(field)"] = row[field] as? Int ?? 0 }
            }
            return counts
        }
        let expected = counts(OnlineReport(sent, days: nil, today: VisitorDay(Date())).json)
        let (old, new) = (counts(before), counts(after))
        return Set(expected.keys).union(new.keys).sorted().compactMap { key in
            let grew = (new[key] ?? 0) - (old[key] ?? 0), sentCount = expected[key] ?? 0
            return grew == sentCount ? nil : "\(key): sent \(sentCount), the site counted \(grew) more"
        }
    }

    /// One page view's events: impressions of the carousels scrolled to, and the click, if any, that ends it.
    func visitEvents(_ page: Page, using random: inout SeededGenerator) -> [VisitorEvent] {
        let topic = topics[page.mid]
        var layout: [(carousel: CountedCarousel, models: [String], placedBy: [Recommender])] = []
        if page.lists.count >= 2 {
            let length = page.lists.map(\.models.count).max() ?? 0
            let merged = TeamDraftMultileaving.merge(page.lists.map { (team: $0.algorithm, models: $0.models) }, length: length, using: &random)
            layout.append((.picked, merged.map(\.model), merged.map(\.team)))
        }
        for list in page.lists.shuffled(using: &random) { layout.append((.algorithm(list.algorithm), list.models, [])) }
        var events: [VisitorEvent] = []
        let rankers = page.lists.map(\.algorithm)
        for (depth, carousel) in layout.enumerated() {
            if depth > 0, !random.chance(behaviour.scrollOn) { break }
            events.append(.impression(page: page.mid, carousel: carousel.carousel, models: carousel.models, placedBy: carousel.placedBy))
            var chance = 1.0
            for (position, model) in carousel.models.enumerated() {
                let base = topic != nil && topics[model] == topic ? behaviour.onTopic : behaviour.offTopic
                if random.chance(base * chance) {
                    var click = VisitorEvent.Click(page: page.mid, carousel: carousel.carousel, model: model, position: position)
                    if carousel.carousel == .picked {
                        click.credited = carousel.placedBy[position]
                        click.rankers = rankers
                        click.decides = true
                    }
                    events.append(.click(click))
                    return events
                }
                chance *= behaviour.positionDecay
            }
        }
        return events
    }

    /// The event as the server counts it (the simulator's lists are the site's, so it passes the site's checks).
    static func counted(_ event: VisitorEvent) -> CountedEvent {
        switch event {
        case .impression(_, let carousel, let models, _): .impression(carousel: carousel, cards: models.count)
        case .click(let click):
            .click(carousel: click.carousel, position: click.position,
                   decision: click.decides ? click.credited.map { CountedEvent.Decision(credited: $0, rankers: click.rankers) } : nil)
        }
    }

    /// The algorithms whose carousels lead the model pages (the site's display order puts the baselines after).
    func leadingAlgorithms() async throws -> Set<Recommender> {
        let (status, body) = try await connection.get("/api/v1/algorithms")
        guard status == 200, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any],
              let algorithms = object["algorithms"] as? [[String: Any]] else {
            throw Failure.site("GET /api/v1/algorithms answered \(status)")
        }
        return Set(algorithms.compactMap { entry -> Recommender? in
            guard let name = entry["algorithm"] as? String, let order = entry["displayOrder"] as? Int,
                  order < Algorithm.firstBaselineOrder else { return nil }
            return Recommender(name: name)
        })
    }
}

/// Each page's lists, read once from the API (`/api/v1/models/{mid}/recommendations`), as the page shows them.
actor PageCache {
    private var pages: [String: VisitorSimulator.Page?] = [:]

    func page(_ mid: String, leading: Set<Recommender>, connection: SiteConnection) async throws -> VisitorSimulator.Page? {
        if let known = pages[mid] { return known }
        let (status, body) = try await connection.get("/api/v1/models/\(mid)/recommendations?limit=100")
        var page: VisitorSimulator.Page?
        if status == 200, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any],
           let lists = object["lists"] as? [[String: Any]] {
            let shown = lists.compactMap { list -> (algorithm: Recommender, models: [String])? in
                guard let name = list["algorithm"] as? String, let algorithm = Recommender(name: name), leading.contains(algorithm),
                      let entries = list["recommendations"] as? [[String: Any]] else { return nil }
                let models = entries.compactMap { ($0["model"] as? [String: Any])?["mid"] as? String }
                return models.isEmpty ? nil : (algorithm, models)
            }.sorted { $0.algorithm < $1.algorithm }
            page = VisitorSimulator.Page(mid: mid, lists: shown)
        } else if status != 404 {
            throw VisitorSimulator.Failure.site("GET /api/v1/models/\(mid)/recommendations answered \(status)")
        }
        pages[mid] = page
        return page
    }
}
