import Foundation
@testable import Recommenders
import SeededRandom
import Testing

/// EASE (with EDLAE's dropout and CEASE's stacked tags) and the two-step walks scored as models, against the
/// formulas computed directly in Double.
@Suite struct ModelScoringTests {
    /// 30 users over 12 items in two loose groups, seeded.
    static let matrix: InteractionMatrix = {
        var random = SeededGenerator(seed: 5)
        var pairs: [(user: Int32, item: Int32)] = []
        for user in 0..<30 {
            let group = user % 2 * 6
            for item in 0..<12 where random.chance((item >= group && item < group + 6) ? 0.6 : 0.15) {
                pairs.append((Int32(user), Int32(item)))
            }
        }
        return InteractionMatrix(userCount: 30, itemCount: 12, pairs: pairs)
    }()

    /// Items 0–5 carry tag a, 4–9 tag b, 10 alone carries c (left out: it ties no pair).
    static let tags: [(item: Int, feature: String, weight: Float)] =
        (0..<6).map { ($0, "a", 1) } + (4..<10).map { ($0, "b", 1) } + [(10, "c", 1)]

    /// `(G + Λ)⁻¹` in Double by Gauss–Jordan, with `G = XᵀX + w·FᵀF` and `Λ = λI + p/(1−p)·diag(G)`.
    static func inverse(lambda: Double, dropout: Double, side: SideInformation?) -> [Double] {
        let n = matrix.itemCount
        var gram = [Double](repeating: 0, count: n * n)
        for user in 0..<matrix.userCount {
            for i in matrix.items(ofUser: user) { for j in matrix.items(ofUser: user) { gram[Int(i) * n + Int(j)] += 1 } }
        }
        if let side {
            for feature in 0..<side.rows.userCount {
                for i in side.rows.items(ofUser: feature) {
                    for j in side.rows.items(ofUser: feature) { gram[Int(i) * n + Int(j)] += Double(side.weight) }
                }
            }
        }
        for i in 0..<n { gram[i * n + i] += lambda + dropout / (1 - dropout) * gram[i * n + i] }
        return DenseInverse.gaussJordan(gram, order: n)
    }

    @Test(arguments: [(0.0, Float(0)), (0.5, Float(0)), (0.0, Float(2)), (0.25, Float(0.5))])
    func easeScoresEveryWeightNegativeOnesIncluded(dropout: Double, sideWeight: Float) throws {
        let lambda = 3.0
        let side = sideWeight > 0 ? SideInformation(itemCount: 12, assignments: Self.tags, weight: sideWeight) : nil
        if let side { #expect(side.names == ["a", "b"], "a feature on one item ties no pair and is left out") }
        let fitted = try EASE(regularization: Float(lambda), dropout: Float(dropout), side: side, neighbours: 11, threads: 2)
            .fit(Self.matrix, keepingWeights: true)
        let weights = try #require(fitted.weights)
        let p = Self.inverse(lambda: lambda, dropout: dropout, side: side)
        let n = 12
        var sawNegative = false
        for user in [0, 1, 7] {
            let liked = Self.matrix.items(ofUser: user)
            var expected = [Double](repeating: 0, count: n)
            for i in liked {
                for j in 0..<n where j != Int(i) {
                    let weight = -p[Int(i) * n + j] / p[j * n + j]
                    expected[j] += weight
                    sawNegative = sawNegative || weight < 0
                }
            }
            var output = [Float](repeating: 0, count: n)
            var scratch = [Float](repeating: 0, count: n)
            output.withUnsafeMutableBufferPointer { out in
                scratch.withUnsafeMutableBufferPointer { weights.addScores(liked: liked, into: out, scratch: $0) }
            }
            for j in 0..<n { #expect(abs(Double(output[j]) - expected[j]) < 1e-4, "user \(user), item \(j)") }
        }
        #expect(sawNegative, "the fixture exercises negative weights, which lists drop and the model keeps")
    }

    @Test func tagsAtWeightZeroAreEASEItself() throws {
        let plain = try EASE(regularization: 3, neighbours: 11, threads: 1).fit(Self.matrix).lists
        let side = SideInformation(itemCount: 12, assignments: Self.tags, weight: 0)
        let tagged = try EASE(regularization: 3, side: side, neighbours: 11, threads: 1).fit(Self.matrix).lists
        #expect(plain.map { $0.map(\.item) } == tagged.map { $0.map(\.item) })
    }

    /// RP3beta's weight written out: Σ over shared likers (and, weighted, shared tags) of the two steps' powered
    /// probabilities, divided by the arrival's popularity^β.
    static func rp3Weight(_ i: Int, _ j: Int, alpha: Double, beta: Double, side: SideInformation?) -> Double {
        let m = matrix
        var total = 0.0
        for user in m.users(ofItem: i) where m.items(ofUser: Int(user)).contains(Int32(j)) {
            total += pow(1 / Double(m.itemDegree(i)), alpha) * pow(1 / Double(m.userDegree(Int(user))), alpha)
        }
        if let side {
            for feature in side.rows.users(ofItem: i) where side.rows.items(ofUser: Int(feature)).contains(Int32(j)) {
                total += Double(side.weight) * pow(1 / Double(side.rows.itemDegree(i)), alpha)
                    * pow(1 / Double(side.rows.userDegree(Int(feature))), alpha)
            }
        }
        return total / pow(Double(max(1, m.itemDegree(j))), beta)
    }

    @Test(arguments: [Float(0), Float(0.7)])
    func rp3betaListsAndUserScoresFollowTheWalk(sideWeight: Float) {
        let side = sideWeight > 0 ? SideInformation(itemCount: 12, assignments: Self.tags, weight: sideWeight) : nil
        let walk = RP3beta(alpha: 0.8, beta: 0.3, neighbours: 11, threads: 2, side: side)
        let lists = walk.similarItems(Self.matrix)
        for i in 0..<12 {
            for neighbour in lists[i] {
                let expected = Self.rp3Weight(i, Int(neighbour.item), alpha: 0.8, beta: 0.3, side: side)
                #expect(abs(Double(neighbour.score) - expected) < 1e-5)
            }
        }
        // A user's score is the sum of the whole rows of what they liked.
        let graph = walk.walk(Self.matrix)
        for user in [2, 9] {
            var output = [Float](repeating: -1, count: 12)
            output.withUnsafeMutableBufferPointer { graph.scores(liked: Self.matrix.items(ofUser: user), into: $0) }
            for j in 0..<12 {
                let expected = Self.matrix.items(ofUser: user).reduce(0.0) {
                    $0 + Self.rp3Weight(Int($1), j, alpha: 0.8, beta: 0.3, side: side)
                }
                #expect(abs(Double(output[j]) - expected) < 1e-5, "user \(user), item \(j)")
            }
        }
    }

    @Test func cosineWalkSumsTheWholeItemKNNRows() {
        let lists = ItemKNN(neighbours: 11, threads: 1).similarItems(Self.matrix)
        let walk = ItemWalk.cosine(Self.matrix)
        var output = [Float](repeating: 0, count: 12)
        let liked = Self.matrix.items(ofUser: 4)
        output.withUnsafeMutableBufferPointer { walk.scores(liked: liked, into: $0) }
        var expected = [Float](repeating: 0, count: 12)
        for item in liked { for neighbour in lists[Int(item)] { expected[Int(neighbour.item)] += neighbour.score } }
        for j in 0..<12 where !liked.contains(Int32(j)) { #expect(abs(output[j] - expected[j]) < 1e-5, "item \(j)") }
    }
}
