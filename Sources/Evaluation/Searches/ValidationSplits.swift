import AlgorithmIdentity
import ElapsedTime
import Foundation
import Recommenders
import SeededRandom

/// The validation splits a search works on: carved from the training likes, sampled, or cut to the most-liked items.
extension SettingsSelection {
    /// 5 likes of 20% of the users with at least 10 (at most `maxUsers` of them), seeded, on the same indices.
    /// Users in `excluding` are never held out (another split's validation users).
    public static func carve(_ train: InteractionMatrix, seed: UInt64, maxUsers: Int = .max,
                             excluding: Set<Int> = []) -> (fit: InteractionMatrix, validation: InteractionMatrix) {
        var random = SeededGenerator(seed: seed &+ 7, stream: 11)
        let allEligible = (0..<train.userCount).filter { train.userDegree($0) >= 10 }
        let share = max(1, allEligible.count / 5)
        var eligible = allEligible.filter { !excluding.contains($0) }
        for index in stride(from: eligible.count - 1, to: 0, by: -1) { eligible.swapAt(index, random.below(index + 1)) }
        let chosen = eligible.prefix(min(maxUsers, share))
        var heldOut = Set<Int64>()
        var validationPairs: [(user: Int32, item: Int32)] = []
        for user in chosen {
            var items = Array(train.items(ofUser: user))
            for index in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(index, random.below(index + 1)) }
            for item in items.prefix(5) {
                heldOut.insert(Int64(user) << 32 | Int64(item))
                validationPairs.append((Int32(user), item))
            }
        }
        var fitPairs: [(user: Int32, item: Int32)] = []
        fitPairs.reserveCapacity(train.interactionCount)
        for user in 0..<train.userCount {
            for item in train.items(ofUser: user) where !heldOut.contains(Int64(user) << 32 | Int64(item)) {
                fitPairs.append((Int32(user), item))
            }
        }
        return (InteractionMatrix(userCount: train.userCount, itemCount: train.itemCount, pairs: fitPairs),
                InteractionMatrix(userCount: train.userCount, itemCount: train.itemCount, pairs: validationPairs))
    }

    /// Every user with validation likes and others drawn at random, `count` in all, re-indexed (items keep theirs).
    static func sampleUsers(_ fit: InteractionMatrix, _ validation: InteractionMatrix, count: Int,
                            seed: UInt64) -> (InteractionMatrix, InteractionMatrix) {
        var random = SeededGenerator(seed: seed &+ 13, stream: 17)
        var others = (0..<fit.userCount).filter { validation.userDegree($0) == 0 }
        for index in stride(from: others.count - 1, to: 0, by: -1) { others.swapAt(index, random.below(index + 1)) }
        let kept = (0..<validation.userCount).filter { validation.userDegree($0) > 0 }
        let users = (kept + others.prefix(max(0, count - kept.count))).sorted()
        func remap(_ matrix: InteractionMatrix) -> InteractionMatrix {
            var pairs: [(user: Int32, item: Int32)] = []
            for (position, user) in users.enumerated() {
                for item in matrix.items(ofUser: user) { pairs.append((Int32(position), item)) }
            }
            return InteractionMatrix(userCount: users.count, itemCount: matrix.itemCount, pairs: pairs)
        }
        return (remap(fit), remap(validation))
    }

    /// The likes (and features) of the `count` most-liked items only, re-indexed.
    public static func restrict(_ fit: InteractionMatrix, _ validation: InteractionMatrix,
                         _ features: [(item: Int, feature: String, weight: Float)], to count: Int)
        -> (InteractionMatrix, InteractionMatrix, [(item: Int, feature: String, weight: Float)]) {
        let order = (0..<fit.itemCount).sorted {
            fit.itemDegree($0) != fit.itemDegree($1) ? fit.itemDegree($0) > fit.itemDegree($1) : $0 < $1
        }
        var local = [Int32](repeating: -1, count: fit.itemCount)
        for (position, item) in order.prefix(count).enumerated() { local[item] = Int32(position) }
        func remap(_ matrix: InteractionMatrix) -> InteractionMatrix {
            var pairs: [(user: Int32, item: Int32)] = []
            for user in 0..<matrix.userCount {
                for item in matrix.items(ofUser: user) where local[Int(item)] >= 0 { pairs.append((Int32(user), local[Int(item)])) }
            }
            return InteractionMatrix(userCount: matrix.userCount, itemCount: count, pairs: pairs)
        }
        let kept = features.compactMap { row in local[row.item] >= 0 ? (item: Int(local[row.item]), feature: row.feature, weight: row.weight) : nil }
        return (remap(fit), remap(validation), kept)
    }
}
