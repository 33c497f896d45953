import Foundation
import OnlineEvaluation
import Synchronization

/// The reports of what visitors click, for `/evaluation` and the API: built from the counter's tally for a window
/// of days. The page's section for the default window is rendered at most once a second, however many requests
/// ask for it; other windows (`?days=`) are rare and built when asked.
public struct OnlineSection: Sendable {
    let counter: VisitorCounter
    let renderer: PageRenderer
    /// `serve --days`: the window shown when a request names none (nil: every day).
    let defaultDays: Int?

    private final class Cache: Sendable {
        struct Entry { var generation: Int64; var rendered: ContinuousClock.Instant; var html: [UInt8]; var tag: String }
        let entry = Mutex<Entry?>(nil)
    }
    private let cache = Cache()

    init(counter: VisitorCounter, renderer: PageRenderer, defaultDays: Int?) {
        self.counter = counter
        self.renderer = renderer
        self.defaultDays = defaultDays
    }

    func report(days: Int?) -> (report: OnlineReport, version: UInt64) {
        let (tally, version) = counter.tally()
        return (OnlineReport(tally, days: days, today: counter.today), version)
    }

    /// The section's HTML for `days`, and a tag that changes with it (for the page's ETag).
    func html(days: Int?, catalog: ServedCatalog) throws -> (html: [UInt8], tag: String) {
        let now = ContinuousClock.now
        if days == defaultDays, let entry = cache.entry.withLock({ $0 }), entry.generation == catalog.generation,
           now - entry.rendered < .seconds(1) {
            return (entry.html, entry.tag)
        }
        let (report, version) = report(days: days)
        let html = Array(try renderer.render("online", OnlineEvaluationView.context(report, offlinePrecision: catalog.pages.offlinePrecision,
                                                                           titles: catalog.pages.carouselTitles)).utf8)
        let tag = "\(version)-\(report.lastDay.number)-\(days.map(String.init) ?? "all")"
        if days == defaultDays {
            cache.entry.withLock { $0 = Cache.Entry(generation: catalog.generation, rendered: now, html: html, tag: tag) }
        }
        return (html, tag)
    }
}
