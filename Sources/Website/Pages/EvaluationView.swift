import AlgorithmIdentity
import CatalogStore
import Foundation

/// `/evaluation`: the newest stored run of `evaluate --db`, as a table and two charts drawn here as inline SVG
/// (no chart library in the browser), and the newest grid of `tune` per algorithm as a heat map table. Built once
/// per snapshot.
enum EvaluationView {
    static let metricColumns: [(key: String, label: String)] = [
        ("precision@10", "P@10"), ("recall@10", "Recall@10"), ("ndcg@10", "NDCG@10"), ("map@10", "MAP@10"),
        ("auc", "AUC"), ("coverage@10", "Coverage@10"), ("cold_precision@10", "Cold P@10"),
    ]
    static let splitFields: [(key: String, label: String)] = [
        ("users", "users"), ("items", "models"), ("train_interactions", "training likes"),
        ("test_interactions", "held-out likes"), ("test_users", "test users"),
    ]
    /// Line colours with at least 3:1 contrast on white, told apart by dash pattern too.
    static let palette = ["#0a6f91", "#b34700", "#2d7a1f", "#7a3e9d", "#8a6d00", "#c0392b"]

    struct Report: Decodable {
        struct Algorithm: Decodable {
            var name: String
            var fitSeconds: Double?
            var metrics: [String: Double]
            /// `<metric>_interval` of the runs that resampled their test users: the 95% interval of the mean.
            var intervals: [String: ClosedRange<Double>]
            var curve: [Point]
            /// precision@10 by the lists the carousel shows, for the item-to-item algorithms.
            var listPrecision: Double?

            struct Point: Decodable {
                var iteration: Int
                var train: Double
                var test: Double
                enum CodingKeys: String, CodingKey {
                    case iteration, train = "train_precision@10", test = "test_precision@10"
                }
            }

            struct AnyKey: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: AnyKey.self)
                name = try container.decode(String.self, forKey: AnyKey(stringValue: "name"))
                fitSeconds = try container.decodeIfPresent(Double.self, forKey: AnyKey(stringValue: "fit_seconds"))
                curve = try container.decodeIfPresent([Point].self, forKey: AnyKey(stringValue: "learning_curve")) ?? []
                let lists = try? container.decodeIfPresent([String: Double].self, forKey: AnyKey(stringValue: "list_rule"))
                listPrecision = (lists ?? nil)?["precision@10"].flatMap { $0.isFinite ? $0 : nil }
                var metrics: [String: Double] = [:]
                for key in EvaluationView.metricColumns.map(\.key) {
                    if let value = try? container.decodeIfPresent(Double.self, forKey: AnyKey(stringValue: key)), value.isFinite {
                        metrics[key] = value
                    }
                }
                self.metrics = metrics
                var intervals: [String: ClosedRange<Double>] = [:]
                for key in EvaluationView.metricColumns.map(\.key) {
                    if let bounds = try? container.decodeIfPresent([Double].self, forKey: AnyKey(stringValue: key + "_interval")),
                       bounds.count == 2, bounds[0].isFinite, bounds[1].isFinite, bounds[0] <= bounds[1] {
                        intervals[key] = bounds[0]...bounds[1]
                    }
                }
                self.intervals = intervals
            }
        }

        /// A paired ratio mean(a) / mean(b) of one metric, with its bootstrap interval and what that says.
        struct Comparison: Decodable {
            var a: String
            var b: String
            var metric: String
            var ratio: Double?
            var interval: [Double]?
            var verdict: String
        }

        /// One algorithm's settings search before the run.
        struct Search: Decodable {
            var algorithm: String
            var chosen: [String: Double]
            var precision: Double
            var defaultPrecision: Double
            var seconds: Double
            var trials: [Trial]
            var keptDefaults: Bool?
            struct Trial: Decodable { var rung: Int? }
            enum CodingKeys: String, CodingKey {
                case algorithm, chosen, seconds, trials, precision = "precision@10", defaultPrecision = "default_precision@10"
                case keptDefaults = "kept_defaults"
            }
        }

        struct BootstrapSettings: Decodable {
            var resamples: Int?
            var confidence: Double?
        }

        /// Decodes to nil instead of failing, so one odd entry does not make the whole run unreadable.
        struct Lenient<Value: Decodable>: Decodable {
            var value: Value?
            init(from decoder: any Decoder) throws { value = try? Value(from: decoder) }
        }

        var split: [String: Int]
        var algorithms: [Algorithm]
        var settings: [String: String]?
        /// Runs written before the bootstrap have neither.
        var comparisons: [Comparison]
        var bootstrap: BootstrapSettings?
        var searches: [Search]

        enum CodingKeys: String, CodingKey {
            case split, algorithms, settings, comparisons, bootstrap, searches = "settings_searches"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            split = try container.decode([String: Int].self, forKey: .split)
            algorithms = try container.decode([Algorithm].self, forKey: .algorithms)
            settings = try container.decodeIfPresent([String: String].self, forKey: .settings)
            let listed = (try? container.decodeIfPresent([Lenient<Comparison>].self, forKey: .comparisons)) ?? nil
            comparisons = (listed ?? []).compactMap(\.value)
            bootstrap = (try? container.decodeIfPresent(BootstrapSettings.self, forKey: .bootstrap)) ?? nil
            let searched = (try? container.decodeIfPresent([Lenient<Search>].self, forKey: .searches)) ?? nil
            searches = (searched ?? []).compactMap(\.value)
        }
    }

    /// Each algorithm's precision at 10 in the stored run (empty without one).
    static func precisionAtTen(_ stored: PublishedCatalog.StoredEvaluation?) -> [String: Double] {
        guard let stored, let report = try? JSONDecoder().decode(Report.self, from: Data(stored.report.utf8)) else { return [:] }
        var values: [String: Double] = [:]
        for algorithm in report.algorithms { values[algorithm.name] = algorithm.metrics["precision@10"] }
        return values
    }

    static func context(_ stored: PublishedCatalog.StoredEvaluation?, tunings: [PublishedCatalog.StoredTuning] = []) -> [String: Any] {
        var context: [String: Any] = ["title": "Evaluation"]
        guard let stored else { return context }
        guard let report = try? JSONDecoder().decode(Report.self, from: Data(stored.report.utf8)), !report.algorithms.isEmpty else {
            context["problem"] = "The stored evaluation run could not be read; run `recasketch evaluate --db …` again."
            return context
        }
        context["hasRun"] = true
        context["recordedAt"] = stored.recordedAt
        context["split"] = splitFields.compactMap { field in report.split[field.key].map { ["label": field.label, "value": grouped($0)] } }
        context["settings"] = (report.settings ?? [:]).sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] }
        context["columns"] = metricColumns.map { ["label": $0.label] }
        let best = Dictionary(uniqueKeysWithValues: metricColumns.map { column in
            (column.key, report.algorithms.compactMap { $0.metrics[column.key] }.max())
        })
        context["rows"] = report.algorithms.map { algorithm -> [String: Any] in
            ["name": algorithm.name, "broughtIn": Recommender(name: algorithm.name)?.isImported ?? false,
             "fit": algorithm.fitSeconds.map { String(format: "%.2f s", $0) } ?? "–",
             "cells": metricColumns.map { column -> [String: Any] in
                 guard let value = algorithm.metrics[column.key] else { return ["value": "–"] }
                 var cell: [String: Any] = ["value": String(format: "%.4f", value), "best": value == best[column.key] ?? nil]
                 if let interval = algorithm.intervals[column.key] {
                     cell["interval"] = String(format: "[%.3f–%.3f]", interval.lowerBound, interval.upperBound)
                 }
                 return cell
             }]
        }
        if report.algorithms.contains(where: { !$0.intervals.isEmpty }) {
            context["intervalNote"] = "Under each value, its \(confidencePercent(report.bootstrap)) interval when the test users are drawn again"
                + (report.bootstrap?.resamples.map { " (\(grouped($0)) bootstrap resamples)" } ?? "") + "."
        }
        context["barChart"] = barChart(report.algorithms)
        if let noise = beyondNoise(report) { context["noise"] = noise }
        if let tuning = tuningSection(tunings) { context["tuning"] = tuning }
        if !report.searches.isEmpty {
            context["searches"] = true
            context["searchRows"] = report.searches.map { search -> [String: Any] in
                let chosen = search.keptDefaults == true ? "the defaults (budget too small to search)"
                    : search.chosen.keys.sorted().map { "\($0.replacingOccurrences(of: "_", with: " ")) \(shortNumber(search.chosen[$0]!))" }
                        .joined(separator: ", ")
                return ["algorithm": search.algorithm, "chosen": chosen, "precision": String(format: "%.4f", search.precision),
                        "defaultPrecision": String(format: "%.4f", search.defaultPrecision),
                        "tried": String(search.trials.count), "time": String(format: "%.1f s", search.seconds)]
            }
        }
        let listed = report.algorithms.filter { $0.listPrecision != nil }
        if !listed.isEmpty {
            context["listRule"] = true
            context["listRows"] = listed.map { algorithm -> [String: Any] in
                ["name": algorithm.name, "model": algorithm.metrics["precision@10"].map { String(format: "%.4f", $0) } ?? "–",
                 "lists": String(format: "%.4f", algorithm.listPrecision!)]
            }
        }
        let curves = report.algorithms.filter { !$0.curve.isEmpty }
        if !curves.isEmpty { context["curveChart"] = learningCurves(curves) }
        return context
    }

    /// 30, 0.5, 0.003: a setting as one would type it.
    static func shortNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%g", value)
    }

    /// "95%", from the stored confidence.
    static func confidencePercent(_ bootstrap: Report.BootstrapSettings?) -> String {
        var confidence = 0.95
        if let stored = bootstrap?.confidence, stored > 0, stored < 1 { confidence = stored }
        let percent = confidence * 100
        return percent == percent.rounded() ? "\(Int(percent))%" : String(format: "%.1f%%", percent)
    }

    /// For precision@10: the pairs where one algorithm is ahead of the other beyond resampling noise (the whole
    /// interval of the ratio of their means above 1), and the pairs the test users cannot tell apart.
    static func beyondNoise(_ report: Report) -> [String: Any]? {
        let metric = "precision@10"
        let compared = report.comparisons.filter { $0.metric == metric && $0.a != $0.b }
        guard !compared.isEmpty else { return nil }
        var order: [String: Int] = [:]
        for (index, algorithm) in report.algorithms.enumerated() where order[algorithm.name] == nil { order[algorithm.name] = index }
        func position(_ name: String) -> Int { order[name] ?? Int.max }
        func pairKey(_ a: String, _ b: String) -> [String] { position(a) < position(b) || (position(a) == position(b) && a < b) ? [a, b] : [b, a] }
        let ahead = compared.filter { $0.verdict == "ahead" }
            .sorted { (position($0.a), position($0.b)) < (position($1.a), position($1.b)) }
        let decided = Set(compared.filter { $0.verdict == "ahead" || $0.verdict == "behind" }.map { pairKey($0.a, $0.b) })
        var undecided: [[String]] = []
        for comparison in compared where comparison.verdict == "not distinguishable" {
            let key = pairKey(comparison.a, comparison.b)
            if !decided.contains(key), !undecided.contains(key) { undecided.append(key) }
        }
        undecided.sort { (position($0[0]), position($0[1])) < (position($1[0]), position($1[1])) }
        let items: [[String: Any]] = ahead.map { comparison in
            var item: [String: Any] = ["a": comparison.a, "b": comparison.b,
                                       "ratio": comparison.ratio.map { String(format: "%.3f", $0) } ?? "–"]
            if let bounds = comparison.interval, bounds.count == 2 {
                item["range"] = String(format: "[%.3f–%.3f]", bounds[0], bounds[1])
            }
            return item
        }
        let undecidedText: String
        switch undecided.count {
        case 0: undecidedText = "Every pair is told apart."
        case 1: undecidedText = "1 pair is not distinguishable at this number of test users: \(undecided[0][0]) and \(undecided[0][1])."
        default:
            undecidedText = "\(undecided.count) pairs are not distinguishable at this number of test users: "
                + undecided.map { "\($0[0]) and \($0[1])" }.joined(separator: ", ") + "."
        }
        return ["ahead": items, "hasAhead": !items.isEmpty, "undecided": undecidedText,
                "confidence": confidencePercent(report.bootstrap)]
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var output = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { output.append(",") }
            output.append(digit)
        }
        return output
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Horizontal bars of precision@10, one per algorithm, scaled to the best; the value is printed on each bar.
    static func barChart(_ algorithms: [Report.Algorithm]) -> String {
        let rowHeight = 34.0, labelWidth = 120.0, width = 640.0, right = 70.0
        let height = Double(algorithms.count) * rowHeight + 30
        // Scaled to the longest bar or whisker: a run without intervals draws exactly as before they existed.
        let top = max(1e-9, algorithms.compactMap { $0.metrics["precision@10"] }.max() ?? 0,
                      algorithms.compactMap { $0.intervals["precision@10"]?.upperBound }.max() ?? 0)
        let scale = width - labelWidth - right
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"bars-title\">"
        svg += "<title id=\"bars-title\">Precision at 10 per algorithm: "
        svg += HTML.escape(algorithms.map { algorithm in
            "\(algorithm.name) \(String(format: "%.4f", algorithm.metrics["precision@10"] ?? 0))"
                + (algorithm.intervals["precision@10"].map { String(format: " (interval %.4f to %.4f)", $0.lowerBound, $0.upperBound) } ?? "")
        }.joined(separator: ", "))
        svg += "</title>"
        for (index, algorithm) in algorithms.enumerated() {
            let value = algorithm.metrics["precision@10"] ?? 0
            let y = 10 + Double(index) * rowHeight
            let length = max(1, value / top * scale)
            var valueX = labelWidth + length + 6
            svg += "<text x=\"\(number(labelWidth - 8))\" y=\"\(number(y + 19))\" text-anchor=\"end\" class=\"label\">\(HTML.escape(algorithm.name))</text>"
            svg += "<rect x=\"\(number(labelWidth))\" y=\"\(number(y + 4))\" width=\"\(number(length))\" height=\"22\" rx=\"3\" fill=\"\(palette[index % palette.count])\"/>"
            if let interval = algorithm.intervals["precision@10"] {
                svg += whisker(from: labelWidth + interval.lowerBound / top * scale, to: labelWidth + interval.upperBound / top * scale,
                               middle: y + 15)
                valueX = max(valueX, labelWidth + interval.upperBound / top * scale + 6)
            }
            svg += "<text x=\"\(number(valueX))\" y=\"\(number(y + 19))\" class=\"value\">\(String(format: "%.4f", value))</text>"
        }
        return svg + "</svg>"
    }

    /// An error bar across a bar: a white halo under a dark line, so it shows on the bar's colour and on white.
    static func whisker(from low: Double, to high: Double, middle: Double) -> String {
        let lines = [(low, middle, high, middle), (low, middle - 6, low, middle + 6), (high, middle - 6, high, middle + 6)]
        var svg = "<g class=\"whisker\" aria-hidden=\"true\">"
        for (stroke, strokeWidth) in [("#fff", "4"), ("#1d2330", "1.5")] {
            for (x1, y1, x2, y2) in lines {
                svg += "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(strokeWidth)\" stroke-linecap=\"round\"/>"
            }
        }
        return svg + "</g>"
    }

    /// Precision@10 per iteration: test solid, train dashed, one colour per algorithm, with a legend.
    static func learningCurves(_ algorithms: [Report.Algorithm]) -> String {
        let width = 640.0, height = 360.0, left = 56.0, right = 16.0, top = 16.0, bottom = 64.0
        let lastIteration = Double(algorithms.flatMap { $0.curve.map(\.iteration) }.max() ?? 1)
        let ceiling = max(1e-6, algorithms.flatMap { $0.curve.flatMap { [$0.train, $0.test] } }.max() ?? 1) * 1.1
        func x(_ iteration: Int) -> Double { left + (Double(iteration) - 1) / max(1, lastIteration - 1) * (width - left - right) }
        func y(_ value: Double) -> Double { top + (1 - value / ceiling) * (height - top - bottom) }
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"curves-title\">"
        svg += "<title id=\"curves-title\">Precision at 10 per training iteration, on held-out likes (solid) and on training likes (dashed), for "
        svg += HTML.escape(algorithms.map(\.name).joined(separator: ", ")) + "</title>"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(height - bottom))\" x2=\"\(number(width - right))\" y2=\"\(number(height - bottom))\" class=\"axis\"/>"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\" y2=\"\(number(height - bottom))\" class=\"axis\"/>"
        for tick in 0...4 {
            let value = ceiling * Double(tick) / 4
            svg += "<text x=\"\(number(left - 6))\" y=\"\(number(y(value) + 4))\" text-anchor=\"end\" class=\"label\">\(String(format: "%.3f", value))</text>"
        }
        svg += "<text x=\"\(number((left + width - right) / 2))\" y=\"\(number(height - bottom + 22))\" text-anchor=\"middle\" class=\"label\">iteration 1–\(Int(lastIteration))</text>"
        for (index, algorithm) in algorithms.enumerated() {
            let colour = palette[index % palette.count]
            let test = algorithm.curve.map { "\(number(x($0.iteration))),\(number(y($0.test)))" }.joined(separator: " ")
            let train = algorithm.curve.map { "\(number(x($0.iteration))),\(number(y($0.train)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\" points=\"\(test)\"/>"
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" points=\"\(train)\"/>"
            let legendX = left + Double(index) * 150
            svg += "<line x1=\"\(number(legendX))\" y1=\"\(number(height - 14))\" x2=\"\(number(legendX + 24))\" y2=\"\(number(height - 14))\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            svg += "<text x=\"\(number(legendX + 30))\" y=\"\(number(height - 10))\" class=\"label\">\(HTML.escape(algorithm.name))</text>"
        }
        return svg + "</svg>"
    }
}
