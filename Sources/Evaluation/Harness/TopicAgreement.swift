/// For the demo catalogue, whose generator wrote each model's hidden topic: the share of an algorithm's stored
/// neighbours that share the seed model's topic. An evaluation aid only; no algorithm reads the topics.
public enum TopicAgreement {
    /// Each list's first `top` (a carousel's 12), so lists stored longer (imported ones keep up to 100) are judged on
    /// what the page shows, like the built-ins'.
    public static func share(lists: [String: [String]], topics: [String: String], top: Int = 12) -> (share: Double, pairs: Int) {
        var same = 0, pairs = 0
        for (model, neighbours) in lists {
            guard let topic = topics[model] else { continue }
            for neighbour in neighbours.prefix(top) {
                guard let other = topics[neighbour] else { continue }
                pairs += 1
                if other == topic { same += 1 }
            }
        }
        return (pairs > 0 ? Double(same) / Double(pairs) : 0, pairs)
    }

    /// What picking neighbours at random would score: Σ (share of models in topic)².
    public static func chance(topics: [String: String]) -> Double {
        var counts: [String: Int] = [:]
        for topic in topics.values { counts[topic, default: 0] += 1 }
        let total = Double(max(1, topics.count))
        return counts.values.reduce(0) { $0 + (Double($1) / total) * (Double($1) / total) }
    }
}
