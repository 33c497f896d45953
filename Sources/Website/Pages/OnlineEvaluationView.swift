import AlgorithmIdentity
import Foundation
import OnlineEvaluation

/// "What visitors click" on `/evaluation`: the online report beside the offline table's precision, as the
/// `online` template's context.
enum OnlineEvaluationView {
    /// The windows offered as links, besides the server's default.
    static let windows: [(days: Int?, label: String)] = [(nil, "All days"), (1, "Today"), (7, "Last 7 days"), (30, "Last 30 days")]

    /// `titles`: the served carousels' own titles by name (an imported recommender's is the one it was imported with).
    static func context(_ report: OnlineReport, offlinePrecision: [String: Double], titles: [String: String] = [:]) -> [String: Any] {
        var context: [String: Any] = [:]
        func title(_ carousel: CountedCarousel) -> String { carousel == .picked ? carousel.title : titles[carousel.name] ?? carousel.title }
        func title(_ recommender: Recommender) -> String { titles[recommender.name] ?? recommender.defaultTitle }
        let range = report.firstDay.map { "from \($0.iso) to \(report.lastDay.iso)" } ?? "up to \(report.lastDay.iso)"
        context["window"] = report.days.map { "The last \($0 == 1 ? "day" : "\($0) days") (UTC days, \(range))." } ?? "Every day counted (\(range), UTC)."
        context["emptyWindow"] = report.days.map { "in the last \($0 == 1 ? "day" : "\($0) days")" } ?? "on this site"
        context["windows"] = windows.map { window -> [String: Any] in
            ["label": window.label, "href": window.days.map { "/evaluation?days=\($0)#online" } ?? "/evaluation?days=all#online",
             "current": window.days == report.days]
        }
        let rows = report.carousels
        context["hasCounts"] = rows.contains { $0.impressions > 0 || $0.clicks > 0 }
        let algorithms = rows.filter { $0.carousel != .picked }
        let offlineOrder = algorithms.compactMap { row in offlinePrecision[row.carousel.name].map { (row.carousel, $0) } }
            .sorted { $0.1 > $1.1 }.map(\.0)
        let onlineOrder = algorithms.filter { $0.impressions > 0 }.sorted { $0.ctr > $1.ctr }.map(\.carousel)
        context["carouselRows"] = rows.map { row -> [String: Any] in
            var entry: [String: Any] = [
                "title": title(row.carousel), "name": row.carousel.name, "views": grouped(row.impressions), "clicks": grouped(row.clicks),
                "ctr": row.impressions == 0 ? "–" : percent(row.ctr),
                "offline": offlinePrecision[row.carousel.name].map { String(format: "%.4f", $0) } ?? "–",
                "offlineRank": offlineOrder.firstIndex(of: row.carousel).map { "\($0 + 1)" } ?? "–",
                "onlineRank": onlineOrder.firstIndex(of: row.carousel).map { "\($0 + 1)" } ?? "–",
            ]
            if let interval = row.ctrInterval { entry["interval"] = "[\(percent(interval.lowerBound))–\(percent(interval.upperBound))]" }
            return entry
        }
        context["hasPairs"] = !report.pairs.isEmpty
        context["pairRows"] = report.pairs.map { pair -> [String: Any] in
            var entry: [String: Any] = [
                "a": title(pair.first), "b": title(pair.second), "wins": grouped(pair.wins), "losses": grouped(pair.losses),
                "ties": grouped(pair.ties), "delta": String(format: "%+.3f", pair.delta), "p": pValue(pair.adjustedPValue),
            ]
            entry["hasWinner"] = pair.winner != nil
            if let winner = pair.winner { entry["winner"] = title(winner) }
            if let more = pair.moreImpressionsNeeded {
                entry["needed"] = "about \(grouped(more)) more views of the mixed carousel for a verdict"
            } else if pair.winner == nil {
                entry["needed"] = "no preference seen yet"
            }
            return entry
        }
        let positions = Set(report.positions.map(\.position)).union(report.pickedPositions.map(\.position)).sorted()
        context["positionRows"] = positions.map { position -> [String: Any] in
            let own = report.positions.first { $0.position == position }
            let mixed = report.pickedPositions.first { $0.position == position }
            return ["card": "\(position + 1)",
                    "views": own.map { grouped($0.impressions) } ?? "–", "clicks": own.map { grouped($0.clicks) } ?? "–",
                    "ctr": own.map { $0.impressions == 0 ? "–" : percent($0.ctr) } ?? "–",
                    "mixedViews": mixed.map { grouped($0.impressions) } ?? "–", "mixedClicks": mixed.map { grouped($0.clicks) } ?? "–",
                    "mixedCtr": mixed.map { $0.impressions == 0 ? "–" : percent($0.ctr) } ?? "–"]
        }
        return context
    }

    static func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }

    static func pValue(_ value: Double) -> String { value < 0.0001 ? "< 0.0001" : String(format: "%.4f", value) }

    static func grouped(_ value: Int) -> String { EvaluationView.grouped(value) }
}
