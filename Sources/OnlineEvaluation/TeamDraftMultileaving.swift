import AlgorithmIdentity

/// Team-draft multileaving (Radlinski, Kurup & Joachims 2008; Schuth et al. 2014 for more than two rankers): rounds
/// in which every ranker, in a fresh random order, adds its best model not yet in the merged list, remembering
/// who placed each card. A click then credits the ranker that placed the card, and since every ranker gets a turn
/// at each depth no ranker wins by position. The page's script does the same in JavaScript (`Static/app.js`); this
/// one serves the visitor simulator and the tests.
public enum TeamDraftMultileaving {
    public struct Card: Sendable, Equatable {
        public let model: String
        public let team: Recommender
    }

    public static func merge(_ lists: [(team: Recommender, models: [String])], length: Int,
                             using random: inout some RandomNumberGenerator) -> [Card] {
        var merged: [Card] = [], taken = Set<String>(), next = [Int](repeating: 0, count: lists.count)
        while merged.count < length {
            var added = false
            for index in lists.indices.shuffled(using: &random) {
                let models = lists[index].models
                while next[index] < models.count, taken.contains(models[next[index]]) { next[index] += 1 }
                guard next[index] < models.count else { continue }
                let model = models[next[index]]
                taken.insert(model)
                merged.append(Card(model: model, team: lists[index].team))
                added = true
                if merged.count == length { break }
            }
            if !added { break }
        }
        return merged
    }
}
