import AlgorithmIdentity
import Foundation

/// What visitors clicked, over a window of days: click-through per carousel with its interval, clicks by position,
/// and per pair of mixed algorithms the interleaving preference with its test. `/evaluation` shows it and
/// `GET /api/v1/evaluation/online` sends it as JSON.
public struct OnlineReport: Sendable, Equatable {
    public struct CarouselRow: Sendable, Equatable {
        public let carousel: CountedCarousel
        /// Times the carousel came into view (its first card's impressions: every view shows the first card).
        public let impressions: Int
        public let clicks: Int
        /// Clicks per view, and Wilson's 95% interval of it.
        public let ctr: Double
        public let ctrInterval: ClosedRange<Double>?
    }

    public struct PositionRow: Sendable, Equatable {
        /// From 0.
        public let position: Int
        public let impressions: Int
        public let clicks: Int
        public var ctr: Double { impressions == 0 ? 0 : Double(clicks) / Double(impressions) }
    }

    public struct PairRow: Sendable, Equatable {
        public let first: Recommender
        public let second: Recommender
        /// Page views whose deciding click went to `first`, to `second`, or to another algorithm mixed with them.
        public let wins: Int
        public let losses: Int
        public let ties: Int
        /// Chapelle et al.'s Δ: (wins + ties / 2) / page views − 1/2; above 0 when visitors prefer `first`.
        public let delta: Double
        /// The sign test of wins against losses, and the same after Holm's adjustment for every pair of the report.
        public let pValue: Double
        public let adjustedPValue: Double
        /// The preferred algorithm when the adjusted p-value is below `significance`.
        public let winner: Recommender?
        /// Roughly how many more views of the mixed carousel a verdict needs at the preference seen so far (80%
        /// power); nil once there is a verdict, or while there is no preference to measure.
        public let moreImpressionsNeeded: Int?

        public var verdict: String {
            if let winner { return "\(winner.name) preferred" }
            return "not distinguishable"
        }
    }

    /// The window: from `firstDay` (nil: every day stored) to `lastDay`.
    public let days: Int?
    public let firstDay: VisitorDay?
    public let lastDay: VisitorDay
    public let carousels: [CarouselRow]
    /// In the algorithms' own carousels (not the mixed one).
    public let positions: [PositionRow]
    /// In the mixed carousel.
    public let pickedPositions: [PositionRow]
    public let pairs: [PairRow]
    /// A winner is named when the Holm-adjusted p-value is below 1%: the report is read again and again as counts
    /// grow, and each look is another chance to name a winner by luck, so the level is stricter than the usual 5%.
    public static let significance = 0.01

    /// The report of `tally` over the `days` days up to `today` (all of them when nil).
    public init(_ tally: VisitorTally, days: Int?, today: VisitorDay) {
        self.days = days
        lastDay = today
        firstDay = days.map { today.adding(days: 1 - $0) }
        let window = tally.since(firstDay)
        // A carousel's views are its first card's impressions; its clicks, all of its cards'.
        var perCarousel: [CountedCarousel: VisitorTally.CardCount] = [:]
        var perPosition: [Int: VisitorTally.CardCount] = [:], perPickedPosition: [Int: VisitorTally.CardCount] = [:]
        for (key, count) in window.cards {
            perCarousel[key.carousel, default: .init()] += .init(impressions: key.position == 0 ? count.impressions : 0, clicks: count.clicks)
            if key.carousel == .picked { perPickedPosition[key.position, default: .init()] += count } else { perPosition[key.position, default: .init()] += count }
        }
        carousels = perCarousel.keys.sorted().map { carousel in
            let views = perCarousel[carousel]!.impressions, clicks = perCarousel[carousel]!.clicks
            return CarouselRow(carousel: carousel, impressions: views, clicks: clicks,
                               ctr: views == 0 ? 0 : Double(clicks) / Double(views),
                               ctrInterval: OnlineStatistics.wilsonInterval(successes: clicks, trials: views))
        }
        func rows(_ counts: [Int: VisitorTally.CardCount]) -> [PositionRow] {
            counts.keys.sorted().map { PositionRow(position: $0, impressions: counts[$0]!.impressions, clicks: counts[$0]!.clicks) }
        }
        positions = rows(perPosition)
        pickedPositions = rows(perPickedPosition)

        var perPair: [AlgorithmPair: VisitorTally.PairCount] = [:]
        for (key, count) in window.pairs { perPair[key.pair, default: .init()] += count }
        let order = perPair.keys.sorted()
        let raw = order.map { OnlineStatistics.signTestPValue(wins: perPair[$0]!.wins, losses: perPair[$0]!.losses) }
        let adjusted = OnlineStatistics.holmAdjusted(raw)
        let pickedViews = perCarousel[.picked]?.impressions ?? 0
        pairs = order.enumerated().map { index, pair in
            let count = perPair[pair]!
            let total = max(1, count.total)
            let delta = (Double(count.wins) + Double(count.ties) / 2) / Double(total) - 0.5
            let decided = count.wins + count.losses
            var winner: Recommender?
            if adjusted[index] < Self.significance, decided > 0 { winner = count.wins > count.losses ? pair.first : pair.second }
            var more: Int?
            if winner == nil, decided > 0, pickedViews > 0,
               let needed = OnlineStatistics.decisionsNeeded(share: Double(count.wins) / Double(decided)) {
                // Decided page views per view of the mixed carousel so far, to turn decisions into views.
                let viewsNeeded = Double(needed) * Double(pickedViews) / Double(decided)
                more = max(0, Int(viewsNeeded.rounded(.up)) - pickedViews)
            }
            return PairRow(first: pair.first, second: pair.second, wins: count.wins, losses: count.losses, ties: count.ties,
                           delta: count.total == 0 ? 0 : delta, pValue: raw[index], adjustedPValue: adjusted[index],
                           winner: winner, moreImpressionsNeeded: more)
        }
    }

    /// The report as `GET /api/v1/evaluation/online` sends it (see openapi.json's OnlineEvaluation).
    public var json: [String: Any] {
        func rate(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
        var object: [String: Any] = [
            "to": lastDay.iso,
            "algorithms": carousels.map { row -> [String: Any] in
                var entry: [String: Any] = ["algorithm": row.carousel.name, "title": row.carousel.title,
                                            "impressions": row.impressions, "clicks": row.clicks, "ctr": rate(row.ctr)]
                entry["ctr_interval"] = row.ctrInterval.map { [rate($0.lowerBound), rate($0.upperBound)] } ?? NSNull()
                return entry
            },
            "positions": positions.map { ["position": $0.position, "impressions": $0.impressions, "clicks": $0.clicks, "ctr": rate($0.ctr)] },
            "picked_positions": pickedPositions.map { ["position": $0.position, "impressions": $0.impressions, "clicks": $0.clicks, "ctr": rate($0.ctr)] },
            "pairs": pairs.map { row -> [String: Any] in
                [
                    "a": row.first.name, "b": row.second.name, "wins": row.wins, "losses": row.losses, "ties": row.ties,
                    "delta": rate(row.delta), "p_value": rate(row.pValue), "p_value_adjusted": rate(row.adjustedPValue),
                    "verdict": row.verdict, "winner": row.winner.map { $0.name as Any } ?? NSNull(),
                    "more_impressions_needed": row.moreImpressionsNeeded.map { $0 as Any } ?? NSNull(),
                ]
            },
        ]
        object["days"] = days.map { $0 as Any } ?? NSNull()
        object["from"] = firstDay.map { $0.iso as Any } ?? NSNull()
        return object
    }

    public var jsonData: Data {
        (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
