import CatalogFiles
import Foundation

extension TopicAgreement {
    /// The generator's `model_topics.psv` (mid|topic) as mid → topic.
    public static func readTopics(_ url: URL) throws -> [String: String] {
        let records = try PSVReader(contentsOf: url).records(header: ["mid", "topic"], fieldCount: 2)
        return Dictionary(records.map { ($0.fields[0], $0.fields[1]) }, uniquingKeysWith: { first, _ in first })
    }

    /// The chance line, then one line per algorithm: its share of neighbour pairs within a topic.
    public static func report(lists: [(algorithm: String, lists: [String: [String]])], topics: [String: String]) -> [String] {
        var lines = [String(format: "chance (random neighbours): %.3f", chance(topics: topics))]
        for (algorithm, algorithmLists) in lists {
            let result = share(lists: algorithmLists, topics: topics)
            let name = algorithm.padding(toLength: max(12, algorithm.count), withPad: " ", startingAt: 0)
            lines.append(name + String(format: " %.3f of %d neighbour pairs share the model's topic", result.share, result.pairs))
        }
        return lines
    }
}
