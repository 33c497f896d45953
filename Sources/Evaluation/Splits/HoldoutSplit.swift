import Recommenders
import SeededRandom

/// The original posts' protocol: after k-core thresholding, `fraction` of all users, drawn among those with at
/// least `2 × holdout` interactions, have `holdout` of their interactions moved to the test set. Seeded.
public struct HoldoutSplit: Sendable {
    public var holdout: Int
    public var fraction: Double
    public var seed: UInt64
    public var threshold: KCoreFilter
    /// When fewer users qualify than `fraction` asks for, hold out from all who do instead of refusing.
    public var allowFewerUsers: Bool

    public init(holdout: Int = 5, fraction: Double = 0.2, seed: UInt64 = 42, threshold: KCoreFilter = KCoreFilter(),
                allowFewerUsers: Bool = false) {
        self.holdout = holdout
        self.fraction = fraction
        self.seed = seed
        self.threshold = threshold
        self.allowFewerUsers = allowFewerUsers
    }

    /// The validation split a settings search carves from training likes (never the test set): 5 likes of 20% of
    /// the users, taken from all who have 10 when fewer qualify, no thresholding (the training split already was).
    public static func validation(seed: UInt64) -> HoldoutSplit {
        HoldoutSplit(holdout: 5, fraction: 0.2, seed: seed &+ 1,
                     threshold: KCoreFilter(minimumUserInteractions: 1, minimumItemInteractions: 1), allowFewerUsers: true)
    }

    public struct SplitError: Error, CustomStringConvertible {
        public var description: String
    }

    public typealias Triples = [(user: String, item: String, weight: Float)]

    public func split(_ interactions: Triples) throws -> (train: Triples, test: Triples) {
        // Fold repeats (largest weight), in a canonical (user, item) order, then threshold.
        var position: [String: [String: Int]] = [:]
        var folded: Triples = []
        folded.reserveCapacity(interactions.count)
        for triple in interactions {
            if let existing = position[triple.user]?[triple.item] {
                folded[existing].weight = max(folded[existing].weight, triple.weight)
            } else {
                position[triple.user, default: [:]][triple.item] = folded.count
                folded.append(triple)
            }
        }
        folded.sort { $0.user != $1.user ? $0.user < $1.user : $0.item < $1.item }
        let kept = threshold.apply(folded)
        var byUser: [String: [Int]] = [:]
        for (index, triple) in kept.enumerated() { byUser[triple.user, default: []].append(index) }
        let users = byUser.keys.sorted()
        let eligible = users.filter { byUser[$0]!.count >= 2 * holdout }
        var testUserCount = Int((fraction * Double(users.count)).rounded(.down))
        if allowFewerUsers { testUserCount = min(testUserCount, eligible.count) }
        guard testUserCount <= eligible.count else {
            throw SplitError(description: "only \(eligible.count) users have \(2 * holdout)+ interactions; fraction \(fraction) needs \(testUserCount)")
        }
        var random = SeededGenerator(seed: seed)
        var pool = eligible
        for index in 0..<testUserCount {
            pool.swapAt(index, index + random.below(pool.count - index))
        }
        var testRows = Set<Int>()
        for user in pool.prefix(testUserCount).sorted() {
            var rows = byUser[user]!
            for index in 0..<holdout { rows.swapAt(index, index + random.below(rows.count - index)) }
            testRows.formUnion(rows.prefix(holdout))
        }
        var train: Triples = [], test: Triples = []
        for (index, triple) in kept.enumerated() {
            if testRows.contains(index) { test.append(triple) } else { train.append(triple) }
        }
        return (train, test)
    }
}
