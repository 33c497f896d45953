import CatalogFiles
import Foundation

extension TopicAgreement {
    /// The generator's `model_topics.psv` (mid|topic) as mid → topic.
    public static func readTopics(_ url: URL) throws -> [String: String] {
        let records = try PSVReader(contentsOf: url).records(header: ["mid", "topic"], fieldCount: 2)
        return Dictionary(records.map { ($0.fields[0], $0.fields[1]) }, uniquingKeysWith: { first, _ in first })
    }

    /// The chance line, then one line per algorithm: its share of neighbour pairs within a topic. With `hubs` (the
    /// most-liked models), also the share over the hubs' lists alone, and a finding when it falls more than
    /// `hubGap` below the algorithm's average: popular models pulled together whatever their topic.
    public static func report(lists: [(algorithm: String, lists: [String: [String]])], topics: [String: String],
                              hubs: Set<String>? = nil, hubGap: Double = 0.2) -> [String] {
        var lines = [String(format: "chance (random neighbours): %.3f", chance(topics: topics))]
        if let hubs { lines.append("hubs: the \(hubs.count) most-liked models") }
        for (algorithm, algorithmLists) in lists {
            let result = share(lists: algorithmLists, topics: topics)
            let name = algorithm.padding(toLength: max(12, algorithm.count), withPad: " ", startingAt: 0)
            var line = name + String(format: " %.3f of %d neighbour pairs share the model's topic", result.share, result.pairs)
            if let hubs {
                let hubResult = share(lists: algorithmLists.filter { hubs.contains($0.key) }, topics: topics)
                line += String(format: "; hubs %.3f of %d", hubResult.share, hubResult.pairs)
                if hubResult.pairs > 0, hubResult.share < result.share - hubGap {
                    line += String(format: " (%.2f below the average: a hub problem to fix)", result.share - hubResult.share)
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// The `percent`% most-liked models (at least one), by like count, ties to the smaller id.
    public static func mostLiked(likeCounts: [String: Int], percent: Double) -> Set<String> {
        let count = max(1, Int((Double(likeCounts.count) * percent / 100).rounded()))
        let ranked = likeCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return Set(ranked.prefix(count).map(\.key))
    }
}
