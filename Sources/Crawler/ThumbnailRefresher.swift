import CatalogStore
import ElapsedTime
import Foundation
import Metrics
import SketchfabAPI

public struct ThumbnailRefreshReport: Sendable, Equatable {
    public var checked = 0
    public var changed = 0
    public var unchanged = 0
    public var failed = 0
    public var deleted = 0
}

/// Re-reads thumbnail links from the API for the models checked longest ago. Sketchfab's CDN links rotate, so a
/// link that worked last week may not now. A failed read keeps the known link and leaves the model due, so it is
/// tried first next time.
public struct ThumbnailRefresher: Sendable {
    /// `recasketch_thumbnail_refresh_checks_total{result="ok"|"failed"}` on /metrics when run by `serve`.
    static func count(_ result: Result<String?, Error>) {
        let outcome: String
        switch result {
        case .success: outcome = "ok"
        case .failure(let error as SketchfabError) where error.isNotFound: outcome = "deleted"
        case .failure: outcome = "failed"
        }
        Counter(label: "recasketch_thumbnail_refresh_checks_total", dimensions: [("result", outcome)]).increment()
    }

    public var olderThan: Duration
    public var batchLimit: Int
    public var concurrency: Int
    public var now: @Sendable () -> Date

    public init(olderThan: Duration = .seconds(48 * 3600), batchLimit: Int = 100_000, concurrency: Int = 4,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.olderThan = olderThan
        self.batchLimit = batchLimit
        self.concurrency = max(1, concurrency)
        self.now = now
    }

    public func run(store: CatalogStore, client: SketchfabClient, progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> ThumbnailRefreshReport {
        let cutoff = now().addingTimeInterval(-olderThan.inSeconds)
        let due = try store.thumbnailsDue(checkedBefore: cutoff, limit: batchLimit)
        progress("refresh-thumbnails: \(due.count) models due (not checked since \(ISO8601DateFormatter().string(from: cutoff)))")
        var report = ThumbnailRefreshReport()
        try await withThrowingTaskGroup(of: (ThumbnailCheck, Result<String?, Error>).self) { group in
            var iterator = due.makeIterator()
            func addNext() {
                guard let check = iterator.next() else { return }
                group.addTask {
                    do { return (check, .success(try await client.model(uid: check.mid).thumbnail()?.url)) } catch {
                        return (check, .failure(error))
                    }
                }
            }
            for _ in 0..<concurrency { addNext() }
            while let (check, result) = try await group.next() {
                report.checked += 1
                defer { Self.count(result) }
                switch result {
                case .success(let url):
                    if try store.recordThumbnailCheck(mid: check.mid, url: url, at: now()) { report.changed += 1 } else { report.unchanged += 1 }
                case .failure(let error as SketchfabError) where error.isNotFound:
                    // Deleted on Sketchfab: keep what we have (the page falls back to a placeholder if it breaks).
                    try store.recordThumbnailCheck(mid: check.mid, url: nil, at: now())
                    report.deleted += 1
                case .failure(let error):
                    report.failed += 1
                    progress("refresh-thumbnails: \(check.mid): \(error)")
                }
                if report.checked % 500 == 0 { progress("refresh-thumbnails: \(report.checked)/\(due.count) checked, \(report.changed) changed") }
                addNext()
            }
        }
        // Servers show links from their in-memory snapshot: publish so they load the new ones.
        if report.changed > 0 { try store.publish() }
        Gauge(label: "recasketch_thumbnail_refresh_last_run_timestamp_seconds").record(now().timeIntervalSince1970)
        progress("refresh-thumbnails: \(report.checked) checked, \(report.changed) changed, \(report.unchanged) unchanged, \(report.deleted) deleted on Sketchfab, \(report.failed) failed (kept their links)")
        return report
    }
}
