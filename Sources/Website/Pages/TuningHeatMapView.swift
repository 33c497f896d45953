import CatalogStore
import Foundation

/// `/evaluation`'s heat maps of the grids `recasketch tune --db` stored, built once per snapshot with the rest of
/// the page.
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
