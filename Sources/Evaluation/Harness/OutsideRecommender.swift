import AlgorithmIdentity
import Foundation
import Recommenders

/// A recommender built elsewhere, scored on the same split as the built-ins: its item-to-item lists (imported into
/// a catalogue, scored by the carousels' list rule), or its own top-N per test user (`evaluate --user-lists`).
public struct OutsideRecommender: Sendable {
    public enum Output: Sendable {
        /// By item name: neighbours best first with their scores.
        case itemLists([String: [(item: String, score: Float)]])
        /// By user name: items best first.
        case userLists([String: [String]])
    }

    public var name: ImportedName
    public var output: Output
    /// Where the lists came from, for the report.
    public var source: String

    public init(name: ImportedName, output: Output, source: String) {
        self.name = name
        self.output = output
        self.source = source
    }

    /// The scorer on the split's indexing; names the split does not hold are skipped, and counted in `parameters`.
    func scorer(train: InteractionMatrix, itemIDs: [String], userIDs: [String]) -> (scorer: ItemScorer, parameters: [String: String]) {
        switch output {
        case .itemLists(let stored):
            let lists = Self.neighbours(stored, itemIDs: itemIDs)
            return (ItemKNNScorer(train, neighbours: lists),
                    ["lists": "imported (\(lists.filter { !$0.isEmpty }.count) of \(itemIDs.count) models with a list)",
                     "scored_by": "the carousels' list rule", "source": source])
        case .userLists(let stored):
            let itemIndex = Dictionary(uniqueKeysWithValues: itemIDs.enumerated().map { ($1, Int32($0)) })
            var ranked = [[Int32]](repeating: [], count: userIDs.count)
            var unknownItems = 0
            for (user, id) in userIDs.enumerated() {
                guard let items = stored[id] else { continue }
                ranked[user] = items.compactMap { item in
                    let index = itemIndex[item]
                    if index == nil { unknownItems += 1 }
                    return index
                }
            }
            return (UserListScorer(ranked: ranked),
                    ["lists": "per user (\(ranked.filter { !$0.isEmpty }.count) users with a list, \(unknownItems) items not in the split skipped)",
                     "scored_by": "its own ranking", "source": source])
        }
    }
}

extension OutsideRecommender {
    /// Lists stored by item name (a catalogue's, imported or served) on the split's indexing, names it lacks skipped.
    static func neighbours(_ stored: [String: [(item: String, score: Float)]], itemIDs: [String]) -> [[Neighbour]] {
        let index = Dictionary(uniqueKeysWithValues: itemIDs.enumerated().map { ($1, Int32($0)) })
        return itemIDs.map { id in
            (stored[id] ?? []).compactMap { entry in index[entry.item].map { Neighbour(item: $0, score: entry.score) } }
        }
    }
}

/// A user's own ranked list: the first item scores highest; items past the list score below every listed one.
struct UserListScorer: ItemScorer {
    let ranked: [[Int32]]
    func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
        for item in 0..<output.count { output[item] = -1 }
        let list = ranked[user]
        for (rank, item) in list.enumerated() { output[Int(item)] = max(output[Int(item)], Float(list.count - rank)) }
    }
}
