import Foundation

extension CrawlSummary {
    /// What `crawl` prints when it ends: request statistics, then what was written and the next command, or the
    /// models that kept failing.
    public func reportLines(outputDirectory: String, thumbnails: Bool) -> [String] {
        var lines = [String(format: "%d requests in %.1f s (%.1f req/s), %d retries: %d rate-limited, %d server errors, %d timeouts, %d broken bodies",
                            statistics.requests, seconds, Double(statistics.requests) / max(seconds, 1e-3), statistics.retries,
                            statistics.rateLimited, statistics.serverErrors, statistics.timeouts, statistics.undecodable)]
        if skippedResults > 0 { lines.append("\(skippedResults) list results lacked a uid or a name and were skipped") }
        if listOutOfOrder { lines.append("the model list was not in like order: it was read to its end (or --max-pages)") }
        if usersRead > 0 { lines.append("likes read per user: \(usersRead) users") }
        guard filesWritten else { return lines + failures.map { "failed: \($0)" } }
        lines.append("wrote \(models) models, \(likes) likes\(thumbnails ? ", \(self.thumbnails) thumbnails" : "") into \(outputDirectory)" +
                     (deleted > 0 ? " (\(deleted) models deleted on Sketchfab during the crawl left out)" : ""))
        lines.append("next: recasketch import --urls \(outputDirectory)/model_urls.psv --likes \(outputDirectory)/model_likes_anon.psv " +
                     "--features \(outputDirectory)/model_feats.psv" + (thumbnails ? " --thumbnails \(outputDirectory)/thumbnails" : "") +
                     " --db recasketch.sqlite")
        return lines
    }
}
