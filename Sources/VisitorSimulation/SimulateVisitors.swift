import AsyncHTTPClient
import CatalogFiles
import Foundation
import OnlineEvaluation

/// `simulate-visitors`: the simulator over HTTP against the site at a URL, and its summary.
public enum SimulateVisitors {
    public static func run(url: String, topicsFile: URL, pageViews: Int, seed: UInt64,
                           behaviour: VisitorSimulator.Behaviour, concurrency: Int,
                           progress: (@Sendable (Int) -> Void)? = nil) async throws -> VisitorSimulator.Outcome {
        let topics = try readTopics(topicsFile)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let simulator = VisitorSimulator(connection: .http(baseURL: url, client: client), topics: topics,
                                             behaviour: behaviour, concurrency: concurrency)
            let outcome = try await simulator.run(pageViews: pageViews, seed: seed, progress: progress)
            try await client.shutdown()
            return outcome
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The demo generator's `model_topics.psv`: mid|topic.
    public static func readTopics(_ url: URL) throws -> [String: String] {
        let records = try PSVReader(contentsOf: url).records(header: ["mid", "topic"], fieldCount: 2)
        return Dictionary(records.map { ($0.fields[0], $0.fields[1]) }, uniquingKeysWith: { first, _ in first })
    }

    /// What the run sent and what the site concluded, for the terminal.
    public static func summary(_ outcome: VisitorSimulator.Outcome) -> [String] {
        var lines = [String(format: "%d page views, %d events in %.1f s (%.0f events/s)", outcome.pageViews, outcome.events,
                            outcome.seconds, Double(outcome.events) / max(outcome.seconds, 1e-9))]
        lines.append(outcome.mismatches.isEmpty ? "counts: the site counted exactly what was sent"
                                                : "counts differ from what was sent: " + outcome.mismatches.joined(separator: "; "))
        lines.append("the site's report, every day:")
        for row in outcome.report["algorithms"] as? [[String: Any]] ?? [] {
            let interval = (row["ctr_interval"] as? [Double]).map { String(format: " [%.4f, %.4f]", $0[0], $0[1]) } ?? ""
            let name = (row["algorithm"] as? String ?? "?").padding(toLength: 10, withPad: " ", startingAt: 0)
            lines.append("  " + name + String(format: " %8d views %7d clicks  click-through %.4f", row["impressions"] as? Int ?? 0,
                                                row["clicks"] as? Int ?? 0, row["ctr"] as? Double ?? 0) + interval)
        }
        for pair in outcome.report["pairs"] as? [[String: Any]] ?? [] {
            let needed = (pair["more_impressions_needed"] as? Int).map { ", about \($0) more views for a verdict" } ?? ""
            lines.append(String(format: "  %@ vs %@: %d wins, %d losses, %d ties, delta %+.3f, p %.4g (Holm %.4g): %@%@",
                                (pair["a"] as? String ?? "?") as NSString, (pair["b"] as? String ?? "?") as NSString,
                                pair["wins"] as? Int ?? 0, pair["losses"] as? Int ?? 0, pair["ties"] as? Int ?? 0,
                                pair["delta"] as? Double ?? 0, pair["p_value"] as? Double ?? 1, pair["p_value_adjusted"] as? Double ?? 1,
                                (pair["verdict"] as? String ?? "?") as NSString, needed as NSString))
        }
        return lines
    }
}
