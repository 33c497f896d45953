import Foundation

/// The side-by-side table, the JSON file and the learning-curve chart.
public enum EvaluationReports {
    public static func table(_ reports: [AlgorithmReport]) -> String {
        let metricKeys = MetricSet.keys + MetricSet.coldKeys
        let columns = ["algorithm", "fit s"] + metricKeys
        var rows = [columns]
        for report in reports {
            rows.append([report.name, String(format: "%.2f", report.fitSeconds)]
                        + metricKeys.map { String(format: "%.4f", report.metrics[$0]) })
        }
        return aligned(rows, rightAligned: Set(1..<columns.count))
    }

    /// precision@10 and NDCG@10 of each list-scored algorithm by its lists, beside its model's.
    public static func listRuleTable(_ reports: [AlgorithmReport]) -> String {
        var rows = [["algorithm", "lists p@10", "model p@10", "lists ndcg@10", "model ndcg@10"]]
        for report in reports {
            guard let lists = report.listMetrics else { continue }
            rows.append([report.name] + [lists["precision@10"], report.metrics["precision@10"], lists["ndcg@10"],
                                         report.metrics["ndcg@10"]].map { String(format: "%.4f", $0) })
        }
        return aligned(rows, rightAligned: Set(1..<5))
    }

    /// The metrics whose paired ratios are compared between algorithms.
    public static let comparedMetrics = ["precision@10", "ndcg@10"]

    /// `uncertainty` adds `<metric>_interval: [low, high]` beside each per-user metric, the paired ratios of every
    /// ordered pair of algorithms (`comparisons`) and the bootstrap's settings; `splitSeeds` adds `split_seeds`.
    public static func json(_ reports: [AlgorithmReport], split: [String: Int], settings: [String: String]? = nil,
                            uncertainty: BootstrapResults? = nil, splitSeeds: SplitSeedSummary? = nil,
                            searches: [SettingsSearchOutcome] = []) throws -> Data {
        let bootstrapped: BootstrapResults? = (uncertainty?.bootstrap.resamples ?? 0) > 0 ? uncertainty : nil
        let entries: [[String: Any]] = reports.map { report in
            var entry: [String: Any] = ["name": report.name, "parameters": report.parameters,
                                        "fit_seconds": report.fitSeconds, "test_users": report.metrics.testUsers]
            if let lists = report.listMetrics {
                entry["list_rule"] = ["precision@10": lists["precision@10"], "ndcg@10": lists["ndcg@10"]]
            }
            for key in MetricSet.keys + MetricSet.coldKeys + ["cold_users"] where report.metrics.values[key] != nil {
                entry[key] = report.metrics[key]
            }
            for key in MetricSet.perUserKeys {
                if let interval = bootstrapped?.interval(report.name, key), let bounds = jsonBounds(interval) {
                    entry["\(key)_interval"] = bounds
                }
            }
            if !report.curve.isEmpty {
                entry["learning_curve"] = report.curve.map { ["iteration": $0.iteration, "train_precision@10": $0.train,
                                                              "test_precision@10": $0.test] }
            }
            return entry
        }
        var document: [String: Any] = ["split": split, "algorithms": entries]
        if let settings { document["settings"] = settings }
        if let bootstrapped {
            var comparisons: [[String: Any]] = []
            for (indexA, a) in reports.enumerated() {
                for (indexB, b) in reports.enumerated() where indexA != indexB {
                    for metric in comparedMetrics {
                        guard let paired = bootstrapped.pairedRatio(a.name, b.name, metric: metric) else { continue }
                        comparisons.append(["a": a.name, "b": b.name, "metric": metric, "ratio": jsonNumber(paired.ratio),
                                            "interval": jsonInterval(paired.interval), "verdict": paired.verdict.rawValue])
                    }
                }
            }
            document["comparisons"] = comparisons
            document["bootstrap"] = ["resamples": bootstrapped.bootstrap.resamples, "seed": bootstrapped.bootstrap.seed,
                                     "confidence": bootstrapped.bootstrap.confidence] as [String: Any]
        }
        if let splitSeeds { document["split_seeds"] = splitSeeds.json }
        if !searches.isEmpty { document["settings_searches"] = searches.map(\.json) }
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }

    /// A finite number, or null (JSON has no NaN).
    static func jsonNumber(_ value: Double) -> Any { value.isFinite ? value : NSNull() }

    static func jsonBounds(_ interval: Interval) -> [Double]? {
        interval.lowerBound.isFinite && interval.upperBound.isFinite ? [interval.lowerBound, interval.upperBound] : nil
    }

    /// `[low, high]`, or null when the interval is undefined.
    static func jsonInterval(_ interval: Interval) -> Any {
        if let bounds = jsonBounds(interval) { return bounds }
        return NSNull()
    }

    /// precision@10 and ndcg@10 of each algorithm with the bootstrap interval of its mean: `0.0783 [0.0741, 0.0826]`.
    public static func intervalsTable(_ results: BootstrapResults) -> String {
        var rows = [["algorithm"] + comparedMetrics]
        for algorithm in results.algorithms {
            rows.append([algorithm] + comparedMetrics.map { metric in
                guard let mean = results.mean(algorithm, metric) else { return "–" }
                let value = String(format: "%.4f", mean)
                guard let interval = results.interval(algorithm, metric), jsonBounds(interval) != nil else { return value }
                return value + String(format: " [%.4f, %.4f]", interval.lowerBound, interval.upperBound)
            })
        }
        return aligned(rows, rightAligned: [])
    }

    /// Every pair of algorithms once (a listed before b): mean(a) / mean(b) of precision@10 and of ndcg@10 over the
    /// test users, the interval of that ratio over the same resampled users for both, and what it says.
    public static func comparisonsTable(_ results: BootstrapResults) -> String {
        var rows: [[String]] = []
        let names = results.algorithms
        for (indexA, a) in names.enumerated() {
            for b in names[(indexA + 1)...] {
                var row = ["\(a) / \(b)"]
                for metric in comparedMetrics {
                    row.append(shortLabel(metric))
                    guard let paired = results.pairedRatio(a, b, metric: metric) else {
                        row += ["–", "", ""]
                        continue
                    }
                    row.append(paired.ratio.isFinite ? String(format: "%.3f", paired.ratio) : "–")
                    row.append(jsonBounds(paired.interval) == nil ? "[–]"
                               : String(format: "[%.3f, %.3f]", paired.interval.lowerBound, paired.interval.upperBound))
                    row.append(paired.verdict.rawValue)
                }
                rows.append(row)
            }
        }
        return aligned(rows, rightAligned: Set(comparedMetrics.indices.map { 2 + 4 * $0 }))
    }

    /// Each algorithm's metrics over the split seeds, as mean ± standard deviation.
    public static func splitSeedsTable(_ summary: SplitSeedSummary) -> String {
        var rows = [["algorithm"] + summary.metrics.map { "\($0) mean ± sd" }]
        for algorithm in summary.algorithms {
            rows.append([algorithm] + summary.metrics.map { metric in
                guard let spread = summary.spread(algorithm, metric) else { return "–" }
                return String(format: "%.4f ± %.4f", spread.mean, spread.standardDeviation)
            })
        }
        return aligned(rows, rightAligned: Set(summary.metrics.indices.map { $0 + 1 }))
    }

    /// Every pair once (a listed before b): the mean over the split seeds of mean(a) / mean(b), and in how many
    /// seeds the bootstrap put a ahead or behind.
    public static func splitSeedsComparisonsTable(_ summary: SplitSeedSummary) -> String {
        var rows: [[String]] = []
        let names = summary.algorithms
        for (indexA, a) in names.enumerated() {
            for b in names[(indexA + 1)...] {
                var row = ["\(a) / \(b)"]
                for metric in summary.metrics {
                    guard let pair = summary.pair(a, b, metric: metric) else { continue }
                    row.append(shortLabel(metric))
                    row.append(pair.meanRatio.isFinite ? String(format: "%.3f", pair.meanRatio) : "–")
                    row.append(pair.verdicts.isEmpty ? "" : "ahead in \(pair.ahead), behind in \(pair.behind) of \(pair.verdicts.count) seeds")
                }
                rows.append(row)
            }
        }
        let width = rows.map(\.count).max() ?? 0
        rows = rows.map { $0 + Array(repeating: "", count: width - $0.count) }
        return aligned(rows, rightAligned: Set(stride(from: 2, to: width, by: 3)))
    }

    static func shortLabel(_ metric: String) -> String {
        metric.hasPrefix("precision@") ? "p@" + String(metric.dropFirst("precision@".count)) : metric
    }

    /// Columns padded to their widest cell, left-aligned but for `rightAligned`; trailing spaces trimmed.
    static func aligned(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = row.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return rightAligned.contains(index) ? padding + cell : cell + padding
            }.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// An SVG line chart of precision@10 per iteration, train dashed and test solid, one colour per algorithm.
    public static func learningCurvesSVG(_ reports: [AlgorithmReport]) -> String {
        let curves = reports.filter { !$0.curve.isEmpty }
        let width = 640.0, height = 400.0, left = 60.0, right = 20.0, top = 30.0, bottom = 50.0
        let maxIteration = Double(curves.flatMap { $0.curve.map(\.iteration) }.max() ?? 1)
        let maxValue = max(0.001, curves.flatMap { $0.curve.flatMap { [$0.train, $0.test] } }.max() ?? 1) * 1.1
        func x(_ iteration: Int) -> Double { left + (Double(iteration) - 1) / max(1, maxIteration - 1) * (width - left - right) }
        func y(_ value: Double) -> Double { height - bottom - value / maxValue * (height - top - bottom) }
        let colours = ["#1caad9", "#d9531c", "#3a9d23", "#8e44ad"]
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(left)\" y=\"18\">precision@10 per iteration (solid: test, dashed: train)</text>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        for tick in 0...4 {
            let value = maxValue * Double(tick) / 4
            svg += "<text x=\"\(left - 6)\" y=\"\(y(value) + 4)\" text-anchor=\"end\">\(String(format: "%.3f", value))</text>\n"
        }
        svg += "<text x=\"\((left + width - right) / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">iteration (1–\(Int(maxIteration)))</text>\n"
        for (index, report) in curves.enumerated() {
            let colour = colours[index % colours.count]
            let test = report.curve.map { "\(x($0.iteration)),\(y($0.test))" }.joined(separator: " ")
            let train = report.curve.map { "\(x($0.iteration)),\(y($0.train))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(test)\"/>\n"
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-dasharray=\"5,4\" points=\"\(train)\"/>\n"
            svg += "<text x=\"\(width - right - 4)\" y=\"\(top + 16 * Double(index + 1))\" text-anchor=\"end\" fill=\"\(colour)\">\(report.name)</text>\n"
        }
        return svg + "</svg>\n"
    }
}
