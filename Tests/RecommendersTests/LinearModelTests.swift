@testable import Recommenders
import SeededRandom
import Testing

@Suite struct SymmetricInverseTests {
    /// A random symmetric positive-definite matrix: M Mᵀ/n + I, in Double.
    static func randomSPD(order: Int, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        let m = (0..<(order * order)).map { _ in random.unit() * 2 - 1 }
        var a = [Double](repeating: 0, count: order * order)
        for i in 0..<order {
            for j in 0...i {
                var sum = 0.0
                for k in 0..<order { sum += m[i * order + k] * m[j * order + k] }
                a[i * order + j] = sum / Double(order) + (i == j ? 1 : 0)
                a[j * order + i] = a[i * order + j]
            }
        }
        return a
    }

    /// Orders below, at and across block boundaries (the block is 128), with one and two workers.
    @Test(arguments: [(5, 1), (128, 2), (300, 2)])
    func timesTheOriginalIsTheIdentity(order: Int, threads: Int) {
        let a = Self.randomSPD(order: order, seed: UInt64(order))
        let matrix = SymmetricMatrix(order: order)
        for i in 0..<order { for j in 0...i { matrix[i, j] = Float(a[i * order + j]) } }
        #expect(matrix.invert(threads: threads))
        var worst = 0.0
        for i in 0..<order {
            for j in 0..<order {
                var sum = 0.0
                for k in 0..<order { sum += a[i * order + k] * Double(matrix[k, j]) }
                worst = max(worst, abs(sum - (i == j ? 1 : 0)))
            }
        }
        #expect(worst < 1e-4, "largest deviation of A·A⁻¹ from I: \(worst)")
    }

    @Test func refusesAMatrixThatIsNotPositiveDefinite() {
        let matrix = SymmetricMatrix(order: 3)
        matrix[0, 0] = 1; matrix[1, 1] = 1; matrix[2, 2] = 1; matrix[1, 0] = 2
        #expect(!matrix.invert(threads: 1))
    }
}

@Suite struct EASETests {
    /// Users 0–2 like {0, 1}, users 3–5 like {2, 3}, user 6 likes {0, 1, 2}.
    let matrix = InteractionMatrix(userCount: 7, itemCount: 4, pairs: [
        (0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1), (3, 2), (3, 3), (4, 2), (4, 3), (5, 2), (5, 3), (6, 0), (6, 1), (6, 2),
    ])

    @Test func weightsMatchTheClosedFormComputedInDouble() throws {
        let lambda = 2.0
        let fitted = try EASE(regularization: Float(lambda), neighbours: 3, threads: 1).fit(matrix)
        // P = (XᵀX + λI)⁻¹ by Gauss–Jordan in Double, B_ij = −P_ij / P_jj.
        let n = 4
        var gram = [Double](repeating: 0, count: n * n)
        for user in 0..<matrix.userCount {
            for i in matrix.items(ofUser: user) { for j in matrix.items(ofUser: user) { gram[Int(i) * n + Int(j)] += 1 } }
        }
        for i in 0..<n { gram[i * n + i] += lambda }
        let inverse = DenseInverse.gaussJordan(gram, order: n)
        for item in 0..<n {
            for neighbour in fitted.lists[item] {
                let j = Int(neighbour.item)
                let expected = -inverse[item * n + j] / inverse[j * n + j]
                #expect(abs(Double(neighbour.score) - expected) < 1e-4)
            }
        }
        // Liking 0 predicts 1 far more than 2; 3's best neighbour is 2.
        #expect(fitted.lists[0].first?.item == 1)
        #expect(fitted.lists[3].first?.item == 2)
        #expect(!fitted.lists.enumerated().contains { item, list in list.contains { Int($0.item) == item } })
    }

    @Test func itemsBeyondTheLimitFallBackToItemKNN() throws {
        let fitted = try EASE(regularization: 1, maxItems: 2, neighbours: 3, threads: 2).fit(matrix)
        #expect(fitted.fittedItems.count == 2)
        let knn = ItemKNN(neighbours: 3, threads: 1).similarItems(matrix)
        for item in 0..<4 where !fitted.fittedItems.contains(Int32(item)) { #expect(fitted.lists[item] == knn[item]) }
    }

    @Test func refusesWhatDoesNotFitNamingTheFlag() {
        #expect(throws: EASE.MemoryError.self) { try EASE(memoryLimit: 1000).fit(matrix) }
        let message = String(describing: EASE.MemoryError(items: 28_806, needed: 3_400_000_000, available: 2_000_000_000))
        #expect(message.contains("--max-items") && message.contains("3.4 GB"))
    }
}

@Suite struct RP3betaTests {
    /// Users: 0 likes {0,1,2}; 1 likes {0,1}; 2 likes {1,3}; 3 likes {3}.
    let matrix = InteractionMatrix(userCount: 4, itemCount: 4,
                                   pairs: [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 1), (2, 3), (3, 3)])

    @Test func matchesTheHandComputedWalk() {
        // W_01 = (1/2)(1/3 + 1/2) / 3^0.5 with α = 1, β = 0.5; W_02 = (1/2)(1/3) / 1.
        let lists = RP3beta(alpha: 1, beta: 0.5, neighbours: 5, threads: 1).similarItems(matrix)
        let w01 = 0.5 * (1.0 / 3 + 0.5) / 3.0.squareRoot(), w02 = 0.5 * (1.0 / 3)
        #expect(lists[0].map(\.item) == [1, 2])
        #expect(abs(Double(lists[0][0].score) - w01) < 1e-6 && abs(Double(lists[0][1].score) - w02) < 1e-6)
    }

    @Test func betaDemotesPopularItems() {
        // From item 2 the walk reaches items 0 (2 likes) and 1 (3 likes) equally; β = 2 divides by likes².
        let plain = RP3beta(alpha: 1, beta: 0, neighbours: 5, threads: 1).similarItems(matrix)
        #expect(plain[2].count == 2 && plain[2][0].score == plain[2][1].score)
        let corrected = RP3beta(alpha: 1, beta: 2, neighbours: 5, threads: 2).similarItems(matrix)
        #expect(corrected[2].map(\.item) == [0, 1])
        #expect(abs(corrected[2][0].score / corrected[2][1].score - 2.25) < 1e-4)
        #expect(corrected.enumerated().allSatisfy { item, list in !list.contains { Int($0.item) == item } })
    }
}
