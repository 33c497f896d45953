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
        let widths = columns.indices.map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    public static func json(_ reports: [AlgorithmReport], split: [String: Int], settings: [String: String]? = nil) throws -> Data {
        let entries: [[String: Any]] = reports.map { report in
            var entry: [String: Any] = ["name": report.name, "parameters": report.parameters,
                                        "fit_seconds": report.fitSeconds, "test_users": report.metrics.testUsers]
            for key in MetricSet.keys + MetricSet.coldKeys + ["cold_users"] where report.metrics.values[key] != nil {
                entry[key] = report.metrics[key]
            }
            if !report.curve.isEmpty {
                entry["learning_curve"] = report.curve.map { ["iteration": $0.iteration, "train_precision@10": $0.train,
                                                              "test_precision@10": $0.test] }
            }
            return entry
        }
        var document: [String: Any] = ["split": split, "algorithms": entries]
        if let settings { document["settings"] = settings }
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
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
