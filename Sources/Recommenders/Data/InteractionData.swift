import Foundation

/// Interactions keyed by string ids (as read from a CSV or the store), with the maps to dense indices.
public struct InteractionData: Sendable {
    public var userIDs: [String]
    public var itemIDs: [String]
    public var matrix: InteractionMatrix

    public init(userIDs: [String], itemIDs: [String], matrix: InteractionMatrix) {
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.matrix = matrix
    }

    /// Indexes `triples` (user, item, weight); repeated pairs keep their largest weight.
    /// Users and items are numbered in sorted id order so the numbering does not depend on row order.
    public init(triples: [(user: String, item: String, weight: Float)],
                userUniverse: [String]? = nil, itemUniverse: [String]? = nil) {
        userIDs = (userUniverse ?? Array(Set(triples.map(\.user)))).sorted()
        itemIDs = (itemUniverse ?? Array(Set(triples.map(\.item)))).sorted()
        let userIndex = Dictionary(uniqueKeysWithValues: userIDs.enumerated().map { ($1, Int32($0)) })
        let itemIndex = Dictionary(uniqueKeysWithValues: itemIDs.enumerated().map { ($1, Int32($0)) })
        let entries = triples.compactMap { triple -> (user: Int32, item: Int32, value: Float)? in
            guard let user = userIndex[triple.user], let item = itemIndex[triple.item] else { return nil }
            return (user, item, triple.weight)
        }
        matrix = InteractionMatrix(userCount: userIDs.count, itemCount: itemIDs.count, entries: entries, combine: max)
    }

    public var triples: [(user: String, item: String, weight: Float)] {
        var result: [(user: String, item: String, weight: Float)] = []
        result.reserveCapacity(matrix.interactionCount)
        for user in 0..<matrix.userCount {
            for index in matrix.userOffsets[user]..<matrix.userOffsets[user + 1] {
                result.append((userIDs[user], itemIDs[Int(matrix.userItems[index])], matrix.userValues[index]))
            }
        }
        return result
    }
}

/// The original's k-core thresholding: drop users with fewer than `minimumUserInteractions` and items with fewer
/// than `minimumItemInteractions`, and repeat until nothing changes.
public struct KCoreFilter: Sendable {
    public var minimumUserInteractions: Int
    public var minimumItemInteractions: Int

    public init(minimumUserInteractions: Int = 5, minimumItemInteractions: Int = 5) {
        self.minimumUserInteractions = minimumUserInteractions
        self.minimumItemInteractions = minimumItemInteractions
    }

    public func apply(_ triples: [(user: String, item: String, weight: Float)]) -> [(user: String, item: String, weight: Float)] {
        // Work on interned indices: the passes below touch every row several times.
        var userIndex: [String: Int] = [:], itemIndex: [String: Int] = [:]
        let users = triples.map { triple in userIndex[triple.user] ?? { userIndex[triple.user] = userIndex.count; return userIndex.count - 1 }() }
        let items = triples.map { triple in itemIndex[triple.item] ?? { itemIndex[triple.item] = itemIndex.count; return itemIndex.count - 1 }() }
        var keep = [Bool](repeating: true, count: triples.count)
        var changed = true
        while changed {
            changed = false
            var userCounts = [Int](repeating: 0, count: userIndex.count)
            for index in triples.indices where keep[index] { userCounts[users[index]] += 1 }
            for index in triples.indices where keep[index] && userCounts[users[index]] < minimumUserInteractions {
                keep[index] = false
                changed = true
            }
            var itemCounts = [Int](repeating: 0, count: itemIndex.count)
            for index in triples.indices where keep[index] { itemCounts[items[index]] += 1 }
            for index in triples.indices where keep[index] && itemCounts[items[index]] < minimumItemInteractions {
                keep[index] = false
                changed = true
            }
        }
        return triples.indices.filter { keep[$0] }.map { triples[$0] }
    }
}

/// Turns raw interaction values `r` into WRMF confidences `1 + alpha * scale(r)`.
public enum ConfidenceScaling: String, Sendable, CaseIterable {
    case linear, log, bm25

    /// `matrix`'s values scaled (before `1 + alpha ·`): raw, `log1p`, or BM25-weighted by item popularity.
    public func scaled(_ matrix: InteractionMatrix, k1: Float = 1.2, b: Float = 0.75) -> InteractionMatrix {
        switch self {
        case .linear:
            return matrix
        case .log:
            return matrix.mapValues { logf(1 + $0) }
        case .bm25:
            // Items are the "terms", users the "documents": downweight popular items and heavy users.
            let users = Float(max(1, matrix.userCount))
            let idf = (0..<matrix.itemCount).map { item -> Float in
                let degree = Float(matrix.itemDegree(item))
                return logf(1 + (users - degree + 0.5) / (degree + 0.5))
            }
            let lengths = (0..<matrix.userCount).map { user -> Float in
                matrix.userValues[matrix.userOffsets[user]..<matrix.userOffsets[user + 1]].reduce(0, +)
            }
            let averageLength = lengths.reduce(0, +) / users
            var userValues = matrix.userValues
            for user in 0..<matrix.userCount {
                let norm = k1 * (1 - b + b * lengths[user] / max(averageLength, .leastNonzeroMagnitude))
                for index in matrix.userOffsets[user]..<matrix.userOffsets[user + 1] {
                    let value = matrix.userValues[index]
                    userValues[index] = value * (k1 + 1) / (norm + value) * idf[Int(matrix.userItems[index])]
                }
            }
            return InteractionMatrix(userCount: matrix.userCount, itemCount: matrix.itemCount,
                                     entries: (0..<matrix.userCount).flatMap { user in
                                         (matrix.userOffsets[user]..<matrix.userOffsets[user + 1]).map {
                                             (user: Int32(user), item: matrix.userItems[$0], value: userValues[$0])
                                         }
                                     })
        }
    }
}
