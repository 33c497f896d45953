import AlgorithmIdentity
import CatalogStore
import ElapsedTime
import Foundation
import Recommenders

/// One named setting and the values a grid tries for it.
public struct GridAxis: Sendable, Equatable {
    public var name: String
    public var values: [Double]
    public init(_ name: String, _ values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// A grid of settings for one algorithm: rows × columns × layers (columns and layers may be absent).
public struct SettingsGrid: Sendable, Equatable {
    public var rows: GridAxis
    public var columns: GridAxis?
    public var layers: GridAxis?

    public init(rows: GridAxis, columns: GridAxis? = nil, layers: GridAxis? = nil) {
        self.rows = rows
        self.columns = columns
        self.layers = layers
    }

    public var axes: [GridAxis] { [rows] + [columns, layers].compactMap { $0 } }
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The default grids. WRMF's is the blog's 5 α × 6 factor counts × 6 λ = 180 settings (λ on iALS revisited's
    /// scale, each row's being λ·(likes + α0·other side)^ν); the others are one or two axes around the defaults.
    public static func standard(for algorithm: Algorithm) -> SettingsGrid? {
        switch algorithm {
        case .wrmf:
            SettingsGrid(rows: GridAxis("factors", [8, 16, 32, 64, 96, 128]),
                         columns: GridAxis("regularization", [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1]),
                         layers: GridAxis("alpha", [2, 5, 15, 50, 150]))
        case .ease:
            SettingsGrid(rows: GridAxis("regularization", [10, 30, 100, 300, 1000, 3000]))
        case .rp3beta:
            SettingsGrid(rows: GridAxis("alpha", [0.25, 0.5, 0.75, 1]), columns: GridAxis("beta", [0, 0.1, 0.2, 0.3, 0.5, 0.7]))
        case .itemKNN:
            SettingsGrid(rows: GridAxis("neighbours", [10, 25, 50, 100, 200, 400]))
        default:
            nil
        }
    }

    /// Every combination, rows outermost; within a row and layer, columns in ascending order, so a warm start moves
    /// from the least regularised setting to the next: shrinking a fitted model is quick, while a model regularised
    /// into the popularity ranking does not recover in a few iterations.
    public func points() -> [[String: Double]] {
        var points: [[String: Double]] = []
        for row in rows.values {
            for layer in layers?.values ?? [.nan] {
                for column in (columns?.values ?? [.nan]).sorted() {
                    var point = [rows.name: row]
                    if let columns { point[columns.name] = column }
                    if let layers { point[layers.name] = layer }
                    points.append(point)
                }
            }
        }
        return points
    }
}

/// One setting's validation figures.
public struct GridCell: Sendable {
    public var settings: [String: Double]
    public var precision: Double
    public var ndcg: Double
    public var seconds: Double
    /// False when stopped early for trailing far behind the best setting so far.
    public var completed: Bool
}

public struct GridOutcome: Sendable {
    public var algorithm: Algorithm
    public var grid: SettingsGrid
    public var cells: [GridCell]
    public var best: GridCell
    public var seconds: Double
    public var budgetSeconds: Double
    public var notRun: Int
    public var validation: [String: Int]
}

/// Grid search of an algorithm's settings on a validation split carved from the training likes (the test split is
/// never read), within a time budget. WRMF's grid is walked so each setting can start from its neighbour's
/// factors (same factors and α, the next smaller λ) and needs a third of the iterations, when that neighbour did
/// well (at least half the best so far); a setting fitted from scratch whose validation precision a third of the
/// way through is below half the best so far is stopped there.
public struct GridSearch: Sendable {
    public var algorithm: Algorithm
    public var grid: SettingsGrid
    public var settings: HarnessSettings
    public var budget: Duration
    /// Warm starts and early stopping (WRMF); off, every setting is fitted from scratch to the end.
    public var shortcuts: Bool

    public init(algorithm: Algorithm, grid: SettingsGrid, settings: HarnessSettings, budget: Duration = .seconds(900),
                shortcuts: Bool = true) {
        self.algorithm = algorithm
        self.grid = grid
        // WRMF's grid is on iALS revisited's scale (λ 0.0003–0.1, each row's scaled by its count): fitted in that form
        // whatever the defaults' form.
        var settings = settings
        if algorithm == .wrmf { settings.regularizationExponent = 1 }
        self.settings = settings
        self.budget = budget
        self.shortcuts = shortcuts
    }

    /// These settings with one grid point applied: the names `SettingsSelection` maps, and item-kNN's neighbours.
    public static func applying(_ point: [String: Double], to base: HarnessSettings, algorithm: Algorithm) -> HarnessSettings {
        var settings = SettingsSelection.applying(point, to: base, algorithm: algorithm)
        if algorithm == .itemKNN, let neighbours = point["neighbours"] { settings.neighbours = Int(neighbours) }
        return settings
    }

    public func run(train: HoldoutSplit.Triples, progress: (GridCell, Int, Int) -> Void = { _, _, _ in }) throws -> GridOutcome {
        let (inner, validation) = try HoldoutSplit.validation(seed: settings.seed).split(train)
        let indexed = EvaluationHarness.index(train: inner, test: validation)
        let trainMatrix = indexed.train.matrix, validationMatrix = indexed.test.matrix
        guard validationMatrix.interactionCount > 0 else {
            throw HarnessError(description: "the training likes leave no validation split (no user has 10 likes to hold 5 out): too few likes to tune on")
        }
        let evaluator = RankingEvaluator(threads: settings.threads, coldThreshold: 0)
        let clock = ContinuousClock()
        let start = clock.now
        var cells: [GridCell] = []
        var best: GridCell?
        var previous: (key: [String: Double], model: WRMFModel, precision: Double)?
        let points = grid.points()
        for (index, point) in points.enumerated() {
            if clock.now - start > budget { break }
            let cellStart = clock.now
            let settings = Self.applying(point, to: self.settings, algorithm: algorithm)
            var cell: GridCell
            if algorithm == .wrmf {
                // The warm start's key: the setting without λ.
                var key = point
                key["regularization"] = nil
                // Only from a neighbour that did well: one regularised into the popularity ranking is no start.
                let healthy = (previous?.precision ?? 0) >= 0.5 * (best?.precision ?? 0)
                let warm = shortcuts && previous?.key == key && healthy ? previous?.model : nil
                var wrmf = settings.wrmf
                if warm != nil { wrmf.iterations = max(3, settings.iterations / 3) }
                let checkpoint = max(1, wrmf.iterations / 3)
                let bestSoFar = best?.precision ?? 0
                var completed = true
                let model = wrmf.fit(trainMatrix, startingFrom: warm, shouldContinue: { iteration, model in
                    guard shortcuts, warm == nil, iteration == checkpoint, bestSoFar > 0 else { return true }
                    let partial = evaluator.evaluate(WRMFScorer(model), train: trainMatrix, test: validationMatrix)["precision@10"]
                    if partial < 0.5 * bestSoFar { completed = false; return false }
                    return true
                })
                let metrics = evaluator.evaluate(WRMFScorer(model), train: trainMatrix, test: validationMatrix)
                previous = (key, model, metrics["precision@10"])
                cell = GridCell(settings: point, precision: metrics["precision@10"], ndcg: metrics["ndcg@10"],
                                seconds: (clock.now - cellStart).inSeconds, completed: completed)
            } else {
                let report = try EvaluationHarness(settings: settings).run([algorithm], train: trainMatrix, test: validationMatrix)[0]
                cell = GridCell(settings: point, precision: report.metrics["precision@10"], ndcg: report.metrics["ndcg@10"],
                                seconds: (clock.now - cellStart).inSeconds, completed: true)
            }
            cells.append(cell)
            if cell.completed, cell.precision > (best?.precision ?? -1) { best = cell }
            progress(cell, index + 1, points.count)
        }
        guard let best else { throw HarnessError(description: "no setting finished within the time budget: raise --time-budget") }
        let validationUsers = (0..<validationMatrix.userCount).filter { validationMatrix.userDegree($0) > 0 }.count
        return GridOutcome(algorithm: algorithm, grid: grid, cells: cells, best: best, seconds: (clock.now - start).inSeconds,
                           budgetSeconds: Double(budget.components.seconds), notRun: points.count - cells.count,
                           validation: ["users": indexed.train.userIDs.count, "items": indexed.train.itemIDs.count,
                                        "train_interactions": trainMatrix.interactionCount,
                                        "validation_interactions": validationMatrix.interactionCount,
                                        "validation_users": validationUsers])
    }
}

extension GridOutcome {
    /// The report `tune --db` stores for /evaluation's heat map.
    public func json() throws -> Data {
        func axis(_ axis: GridAxis) -> [String: Any] { ["name": axis.name, "values": axis.values] }
        var axes: [String: Any] = ["rows": axis(grid.rows)]
        if let columns = grid.columns { axes["columns"] = axis(columns) }
        if let layers = grid.layers { axes["layers"] = axis(layers) }
        func cell(_ cell: GridCell) -> [String: Any] {
            ["settings": cell.settings, "precision@10": cell.precision, "ndcg@10": cell.ndcg, "seconds": cell.seconds,
             "completed": cell.completed]
        }
        let document: [String: Any] = [
            "algorithm": algorithm.rawValue, "metric": "precision@10", "validation": validation, "axes": axes,
            "cells": cells.map(cell), "best": cell(best), "seconds": seconds, "budget_seconds": budgetSeconds, "not_run": notRun,
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }

    /// The winning settings, for `train --settings`.
    public var settingsFile: GridSettings {
        GridSettings(algorithm: algorithm, settings: best.settings, validationPrecision: best.precision)
    }
}

/// The best grid point `tune --write` saves for `train --settings` (WRMF's factors, λ and α).
public struct GridSettings: Codable, Sendable, Equatable {
    public var algorithm: Algorithm
    public var settings: [String: Double]
    public var validationPrecision: Double

    public init(algorithm: Algorithm, settings: [String: Double], validationPrecision: Double) {
        self.algorithm = algorithm
        self.settings = settings
        self.validationPrecision = validationPrecision
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// Reads a file written by `tune --write` for a grid; nil when the file is another kind (the learning-to-rank
    /// settings), an error naming the file when it is a grid file that does not hold usable values.
    public static func read(_ url: URL) throws -> GridSettings? {
        let data = try Data(contentsOf: url)
        guard let settings = try? JSONDecoder().decode(GridSettings.self, from: data) else { return nil }
        let limits: [String: ClosedRange<Double>] = ["factors": 1...1024, "regularization": 0...1e6, "alpha": 0...1e6]
        for (name, value) in settings.settings {
            guard let range = limits[name] else {
                throw HarnessError(description: "\(url.path): unknown setting \"\(name)\" for \(settings.algorithm.rawValue)")
            }
            guard value.isFinite, range.contains(value) else {
                throw HarnessError(description: "\(url.path): \(name) must be from \(range.lowerBound) to \(range.upperBound), not \(value)")
            }
        }
        return settings
    }

    /// WRMF with these settings applied.
    public func applied(to wrmf: WRMF) -> WRMF {
        var wrmf = wrmf
        if let factors = settings["factors"] { wrmf.factors = Int(factors) }
        if let regularization = settings["regularization"] {
            // The grid's λ is iALS revisited's (see `GridSearch.init`), so the penalty takes that form too.
            (wrmf.regularization, wrmf.regularizationExponent) = (Float(regularization), 1)
        }
        if let alpha = settings["alpha"] { wrmf.alpha = Float(alpha) }
        return wrmf
    }
}

extension GridSearch {
    /// `recasketch tune` for a grid: reads the training data, runs the grid printing a line per setting, then the
    /// best; stores the grid in `record` for /evaluation when given.
    public func run(source: SplitSource, holdout: HoldoutSplit, record: CatalogStore? = nil,
                    progress: (String) -> Void) throws -> GridOutcome {
        let (train, _) = try source.load(holdout: holdout)
        let names = grid.axes.map(\.name)
        progress("\(algorithm.rawValue): \(grid.count) settings (\(grid.axes.map { "\($0.values.count) \($0.name)" }.joined(separator: " × "))) on a validation split of the training likes, budget \(budget)")
        let outcome = try run(train: train) { cell, done, total in
            let values = names.map { name in "\(name) \(Self.compact(cell.settings[name] ?? .nan))" }.joined(separator: ", ")
            progress(String(format: "%3d/%d  %@  p@10 %.4f  ndcg@10 %.4f  %.1f s%@", done, total, values, cell.precision, cell.ndcg,
                            cell.seconds, cell.completed ? "" : "  (stopped early)"))
        }
        let best = names.map { "\($0) \(Self.compact(outcome.best.settings[$0] ?? .nan))" }.joined(separator: ", ")
        progress(String(format: "best: %@ → validation precision@10 %.4f, NDCG@10 %.4f; %d settings in %.1f s%@", best,
                        outcome.best.precision, outcome.best.ndcg, outcome.cells.count, outcome.seconds,
                        outcome.notRun > 0 ? " (\(outcome.notRun) not run within the budget)" : ""))
        if let record {
            try record.saveTuning(report: outcome.json())
            progress("grid stored in \(record.path) for the evaluation page")
        }
        return outcome
    }

    /// 0.0003 rather than 3e-04; integers without a decimal point.
    static func compact(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
