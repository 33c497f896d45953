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

        enum CodingKeys: String, CodingKey {
            case split, algorithms, settings, comparisons, bootstrap
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            split = try container.decode([String: Int].self, forKey: .split)
            algorithms = try container.decode([Algorithm].self, forKey: .algorithms)
            settings = try container.decodeIfPresent([String: String].self, forKey: .settings)
            let listed = (try? container.decodeIfPresent([Lenient<Comparison>].self, forKey: .comparisons)) ?? nil
            comparisons = (listed ?? []).compactMap(\.value)
            bootstrap = (try? container.decodeIfPresent(BootstrapSettings.self, forKey: .bootstrap)) ?? nil
        }
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
            ["name": algorithm.name,
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
        let curves = report.algorithms.filter { !$0.curve.isEmpty }
        if !curves.isEmpty { context["curveChart"] = learningCurves(curves) }
        return context
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

// MARK: - The grids of `tune`

extension EvaluationView {
    typealias JSONKey = Report.Algorithm.AnyKey

    /// A stored run of `tune` (`CatalogStore.saveTuning(report:)`): the settings it tried on a validation split, laid
    /// out on up to three axes (rows, columns, layers), with the figures each reached.
    struct TuningReport: Decodable {
        struct Axis: Decodable {
            var name: String
            var values: [Double]
        }

        struct Axes: Decodable {
            var rows: Axis
            var columns: Axis?
            var layers: Axis?
        }

        /// The numbers of a JSON object; anything else in it is left out.
        struct Numbers: Decodable {
            var values: [String: Double]

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: JSONKey.self)
                var values: [String: Double] = [:]
                for key in container.allKeys {
                    if let value = try? container.decode(Double.self, forKey: key), value.isFinite { values[key.stringValue] = value }
                }
                self.values = values
            }
        }

        /// One setting tried (and the shape of `best`): its value on each axis, the figures it reached (the metric's
        /// among them), and whether it ran to the end (false: stopped early, its figures are the partial ones).
        struct Cell: Decodable {
            var settings: [String: Double]
            var figures: [String: Double]
            var completed: Bool

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: JSONKey.self)
                settings = try container.decode(Numbers.self, forKey: JSONKey(stringValue: "settings")).values
                completed = (try? container.decode(Bool.self, forKey: JSONKey(stringValue: "completed"))) ?? true
                figures = try Numbers(from: decoder).values
            }
        }

        var algorithm: String
        /// The figure the search ranked settings by, and the one the heat map shows.
        var metric: String
        var validation: [String: Double]
        var axes: Axes
        var cells: [Cell]
        var best: Cell?
        var seconds: Double?
        var budgetSeconds: Double?
        /// Settings of the grid left out when the time budget ran out.
        var notRun: Int?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: JSONKey.self)
            algorithm = try container.decode(String.self, forKey: JSONKey(stringValue: "algorithm"))
            metric = (try? container.decode(String.self, forKey: JSONKey(stringValue: "metric"))) ?? "precision@10"
            validation = (try? container.decode(Numbers.self, forKey: JSONKey(stringValue: "validation")))?.values ?? [:]
            axes = try container.decode(Axes.self, forKey: JSONKey(stringValue: "axes"))
            let listed = (try? container.decode([Report.Lenient<Cell>].self, forKey: JSONKey(stringValue: "cells"))) ?? []
            cells = listed.compactMap(\.value)
            best = try? container.decode(Cell.self, forKey: JSONKey(stringValue: "best"))
            seconds = try? container.decode(Double.self, forKey: JSONKey(stringValue: "seconds"))
            budgetSeconds = try? container.decode(Double.self, forKey: JSONKey(stringValue: "budget_seconds"))
            notRun = try? container.decode(Int.self, forKey: JSONKey(stringValue: "not_run"))
        }
    }

    /// One square of a heat map: the figure shown (with layers, the best over them), the layer value that gave it,
    /// and whether that setting ran to the end.
    struct HeatSquare {
        var value: Double
        var layer: Double?
        var completed: Bool
    }

    /// Colour steps of a heat map, light to dark (`.heat-0` … `.heat-7` in app.css; white text from step 4 on).
    static let heatSteps = 8
    /// Short names for the usual layer axes, so that a square stays narrow ("0.0605 α 50").
    static let axisSymbols = ["alpha": "α", "beta": "β", "gamma": "γ", "lambda": "λ"]

    /// "Settings searched on a validation split": per stored run of `tune`, a sentence and a heat map; nil when no
    /// run is stored (the page is then exactly as without the section).
    static func tuningSection(_ tunings: [PublishedCatalog.StoredTuning]) -> [String: Any]? {
        guard !tunings.isEmpty else { return nil }
        let runs = tunings.map { stored -> [String: Any] in
            guard let report = try? JSONDecoder().decode(TuningReport.self, from: Data(stored.report.utf8)),
                  !report.axes.rows.values.isEmpty else {
                return ["tuningAlgorithm": stored.algorithm,
                        "tuningProblem": "This stored run of recasketch tune could not be read; run it again."]
            }
            return tuningRun(report, algorithm: stored.algorithm, recordedAt: stored.recordedAt)
        }
        return ["tuningIntro": "recasketch tune tries a grid of settings for one algorithm. Each setting learns from the training "
                    + "likes less a validation split carved from them, and is scored on that split: the test split above is "
                    + "never used to choose settings.",
                "tuningRuns": runs]
    }

    /// One run of `tune`: its sentence, and its grid as a table of rows × columns; with a third axis, each square
    /// shows the best over it and the value that gave it.
    static func tuningRun(_ report: TuningReport, algorithm: String, recordedAt: String) -> [String: Any] {
        let metric = report.metric
        let rowAxis = report.axes.rows
        let columnAxis = report.axes.columns.flatMap { axis -> TuningReport.Axis? in axis.values.isEmpty ? nil : axis }
        let layerAxis = report.axes.layers.flatMap { axis -> TuningReport.Axis? in axis.values.isEmpty ? nil : axis }
        let columnCount = columnAxis?.values.count ?? 1

        func position(_ settings: [String: Double]) -> (row: Int, column: Int)? {
            guard let row = settings[rowAxis.name].flatMap({ axisPosition(of: $0, in: rowAxis.values) }) else { return nil }
            guard let columnAxis else { return (row: row, column: 0) }
            guard let column = settings[columnAxis.name].flatMap({ axisPosition(of: $0, in: columnAxis.values) }) else { return nil }
            return (row: row, column: column)
        }

        var grid = [[HeatSquare?]](repeating: [HeatSquare?](repeating: nil, count: columnCount), count: rowAxis.values.count)
        for cell in report.cells {
            guard let value = cell.figures[metric], let spot = position(cell.settings) else { continue }
            if let held = grid[spot.row][spot.column], held.value >= value { continue }
            grid[spot.row][spot.column] = HeatSquare(value: value, layer: layerAxis.flatMap { cell.settings[$0.name] },
                                                     completed: cell.completed)
        }

        // The best square: where the report's best setting sits, else the highest figure shown.
        let best = report.best ?? report.cells.filter { $0.figures[metric] != nil }
            .max { ($0.figures[metric] ?? 0) < ($1.figures[metric] ?? 0) }
        var bestSpot = best.flatMap { position($0.settings) }
        if bestSpot.map({ grid[$0.row][$0.column] == nil }) ?? true {
            var top: (row: Int, column: Int, value: Double)?
            for (row, squares) in grid.enumerated() {
                for (column, square) in squares.enumerated() {
                    if let square, square.value > (top?.value ?? -Double.infinity) { top = (row: row, column: column, value: square.value) }
                }
            }
            bestSpot = top.map { (row: $0.row, column: $0.column) }
        }

        let shown = grid.flatMap { $0.compactMap { $0?.value } }
        let low = shown.min() ?? 0, high = shown.max() ?? 0
        func step(_ value: Double) -> Int {
            guard high > low else { return 0 }
            return min(heatSteps - 1, max(0, Int((value - low) / (high - low) * Double(heatSteps))))
        }
        let layerName = layerAxis.map { axisSymbols[$0.name] ?? $0.name }
        var earlyShown = false, missingShown = false
        var rows: [[String: Any]] = []
        for (row, rowValue) in rowAxis.values.enumerated() {
            var squares: [[String: Any]] = []
            for column in 0..<columnCount {
                guard let square = grid[row][column] else {
                    missingShown = true
                    squares.append(["heatValue": "–", "heatClass": "not-run", "heatMissing": true,
                                    "heatBest": false, "heatEarly": false, "heatHasLayer": false])
                    continue
                }
                let isBest = bestSpot.map { $0.row == row && $0.column == column } ?? false
                if !square.completed { earlyShown = true }
                let heatClass = isBest ? "heat-\(step(square.value)) best" : "heat-\(step(square.value))"
                var entry: [String: Any] = ["heatValue": String(format: "%.4f", square.value), "heatClass": heatClass,
                                            "heatMissing": false, "heatBest": isBest, "heatEarly": !square.completed,
                                            "heatHasLayer": false]
                if let layerName, let layer = square.layer {
                    entry["heatHasLayer"] = true
                    entry["heatLayer"] = "\(layerName) \(compact(layer))"
                }
                squares.append(entry)
            }
            rows.append(["heatRow": compact(rowValue), "heatSquares": squares])
        }

        var caption = "Validation \(metric) of \(algorithm) by \(rowAxis.name)"
        if let columnAxis { caption += " (rows) and \(columnAxis.name) (columns)" }
        if let layerAxis { caption += "; each square is the best over \(layerAxis.name), with the \(layerAxis.name) that gave it" }
        caption += "."
        var legend = "Darker is higher"
        if high > low { legend += ": from \(String(format: "%.4f", low)) (lightest) to \(String(format: "%.4f", high)) (darkest)" }
        legend += ". The best is in bold and outlined."
        if earlyShown { legend += " † Stopped early: its figure is the one reached when it was stopped." }
        if missingShown { legend += " – Not run within the time budget." }

        let columnHeadings: [String] = columnAxis.map { $0.values.map(compact) } ?? ["validation \(metric)"]
        var run: [String: Any] = [
            "tuningAlgorithm": algorithm,
            "tuningSummary": tuningSummary(report, columnAxis: columnAxis, layerAxis: layerAxis, best: best, recordedAt: recordedAt),
            "heatLabel": "Validation \(metric) of \(algorithm) per setting",
            "heatCaption": caption,
            "heatRowName": rowAxis.name,
            "heatColumnAxis": columnAxis != nil,
            "heatColumns": columnHeadings.map { heading -> [String: Any] in ["heatColumn": heading] },
            "heatRows": rows,
            "heatLegend": legend,
        ]
        if let columnAxis {
            run["heatColumnName"] = columnAxis.name
            run["heatSpan"] = String(columnAxis.values.count)
        }
        return run
    }

    /// How many settings were tried in how long, which were stopped early or not run, the best and its figure, and
    /// the split it was measured on.
    static func tuningSummary(_ report: TuningReport, columnAxis: TuningReport.Axis?, layerAxis: TuningReport.Axis?,
                              best: TuningReport.Cell?, recordedAt: String) -> String {
        let axes = [report.axes.rows, columnAxis, layerAxis].compactMap { $0 }
        let gridSize = axes.map(\.values.count).reduce(1, *)
        let tried = report.cells.count
        let early = report.cells.filter { !$0.completed }.count
        let notRun = report.notRun ?? max(0, gridSize - tried)
        var text = tried == gridSize && notRun == 0 ? "All \(grouped(gridSize)) settings" : "\(grouped(tried)) of \(grouped(gridSize)) settings"
        text += " of " + axes.map(\.name).joined(separator: " × ") + " were tried"
        if let seconds = report.seconds {
            text += " in \(compact(seconds)) s"
            if let budget = report.budgetSeconds { text += " of a \(compact(budget)) s budget" }
        } else if let budget = report.budgetSeconds {
            text += " within a \(compact(budget)) s budget"
        }
        var exceptions: [String] = []
        if early > 0 { exceptions.append("\(grouped(early)) \(early == 1 ? "was" : "were") stopped early") }
        if notRun > 0 { exceptions.append("\(grouped(notRun)) \(notRun == 1 ? "was" : "were") not run within the time budget") }
        text += exceptions.isEmpty ? "; every one ran to the end." : ": " + exceptions.joined(separator: " and ") + "."
        if let best, let value = best.figures[report.metric] {
            let order = axes.map(\.name)
            let names = order.filter { best.settings[$0] != nil } + best.settings.keys.filter { !order.contains($0) }.sorted()
            let settings = names.compactMap { name in best.settings[name].map { "\(name) \(compact($0))" } }.joined(separator: ", ")
            text += " The best, \(settings), reached a validation \(report.metric) of \(String(format: "%.4f", value))"
            if report.metric != "ndcg@10", let ndcg = best.figures["ndcg@10"] { text += " (NDCG@10 \(String(format: "%.4f", ndcg)))" }
            text += "."
        }
        func count(_ key: String) -> String? {
            report.validation[key].flatMap { Int(exactly: $0.rounded()) }.map(grouped)
        }
        if let likes = count("validation_interactions"), let users = count("validation_users") {
            text += count("train_interactions").map { " Each setting learnt from \($0) training likes and was scored" } ?? " Each setting was scored"
            text += " on a validation split of \(likes) likes of \(users) users, carved from the training data; the test split was never used."
        } else {
            text += " Each setting was scored on a validation split carved from the training data; the test split was never used."
        }
        return text + " Run recorded \(recordedAt)."
    }

    /// Where `value` sits on an axis: the nearest listed value, when it is the same number up to rounding.
    static func axisPosition(of value: Double, in values: [Double]) -> Int? {
        guard let nearest = values.indices.min(by: { abs(values[$0] - value) < abs(values[$1] - value) }) else { return nil }
        let tolerance = 1e-9 * max(abs(value), abs(values[nearest]), Double.leastNormalMagnitude)
        return abs(values[nearest] - value) <= tolerance ? nearest : nil
    }

    /// A setting or a duration as written by hand: 0.0003, 64, 412.5 (up to four significant digits, never an
    /// exponent).
    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = Int(floor(log10(abs(value))))
        let decimals = min(20, max(0, 3 - magnitude))
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
