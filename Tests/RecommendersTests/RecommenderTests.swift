import Recommenders
import SeededRandom
import Testing

@Suite struct InteractionMatrixTests {
    @Test func buildsBothOrientationsAndFoldsRepeats() {
        let matrix = InteractionMatrix(userCount: 3, itemCount: 4,
                                       pairs: [(0, 2), (0, 1), (0, 2), (1, 1), (2, 3), (2, 1)])
        #expect(matrix.interactionCount == 5)
        #expect(Array(matrix.items(ofUser: 0)) == [1, 2])
        #expect(Array(matrix.users(ofItem: 1)) == [0, 1, 2])
        #expect(matrix.itemDegree(0) == 0)
        #expect(matrix.userDegree(2) == 2)
    }
}

@Suite struct TopKTests {
    @Test func keepsTheBestInOrderWithTiesToTheLowerIndex() {
        var top = TopK(capacity: 3)
        for (item, score) in [(5, 0.1), (1, 0.9), (7, 0.5), (3, 0.5), (2, 0.2), (4, 0.95)] {
            top.insert(item: Int32(item), score: Float(score))
        }
        #expect(top.sorted().map(\.item) == [4, 1, 3])
    }
}

@Suite struct ItemKNNTests {
    /// Users: 0 likes {0,1,2}; 1 likes {0,1}; 2 likes {1,3}; 3 likes {3}.
    /// Degrees: item0 2, item1 3, item2 1, item3 2.
    /// co(0,1)=2 → 2/√6 ≈ 0.8165; co(0,2)=1 → 1/√2 ≈ 0.7071; co(1,2)=1 → 1/√3 ≈ 0.5774; co(1,3)=1 → 1/√6 ≈ 0.4082.
    let matrix = InteractionMatrix(userCount: 4, itemCount: 4,
                                   pairs: [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 1), (2, 3), (3, 3)])

    @Test func matchesTheHandComputedCosines() {
        let lists = ItemKNN(neighbours: 5, threads: 1).similarItems(matrix)
        #expect(lists[0].map(\.item) == [1, 2])
        #expect(abs(lists[0][0].score - 0.8165) < 1e-3)
        #expect(abs(lists[0][1].score - 0.7071) < 1e-3)
        #expect(lists[1].map(\.item) == [0, 2, 3])
        #expect(lists[2].map(\.item) == [0, 1])
        #expect(lists[3].map(\.item) == [1])
        #expect(abs(lists[3][0].score - 0.4082) < 1e-3)
    }

    @Test func neverRecommendsTheItemItselfAndHonoursTheLimit() {
        let lists = ItemKNN(neighbours: 1, threads: 2).similarItems(matrix)
        for (item, list) in lists.enumerated() {
            #expect(list.count <= 1)
            #expect(!list.contains { Int($0.item) == item })
        }
    }

    @Test func minimumCoLikesDropsWeakPairs() {
        let lists = ItemKNN(neighbours: 5, minimumCoLikes: 2, threads: 1).similarItems(matrix)
        #expect(lists[0].map(\.item) == [1])
        #expect(lists[3].isEmpty)
    }

    @Test func threadCountDoesNotChangeTheResult() {
        var pairs: [(user: Int32, item: Int32)] = []
        var state: UInt32 = 7
        for _ in 0..<3000 {
            state = state &* 1_103_515_245 &+ 12345
            pairs.append((Int32(state >> 8) % 200, Int32(state >> 20) % 150))
        }
        let big = InteractionMatrix(userCount: 200, itemCount: 150, pairs: pairs)
        #expect(ItemKNN(neighbours: 12, threads: 1).similarItems(big) == ItemKNN(neighbours: 12, threads: 2).similarItems(big))
    }
}

@Suite struct PopularityTests {
    @Test func ranksByLikesAndSkipsTheItemItself() {
        let matrix = InteractionMatrix(userCount: 3, itemCount: 3, pairs: [(0, 2), (1, 2), (2, 2), (0, 0), (1, 0), (2, 1)])
        let lists = Popularity(neighbours: 2).similarItems(matrix)
        #expect(lists[1].map(\.item) == [2, 0])
        #expect(lists[2].map(\.item) == [0, 1])
        #expect(abs(lists[1][0].score - 0.5) < 1e-6)
    }
}

@Suite struct PrincipalComponentsTests {
    /// Points spread mostly along one direction, less along a second, barely along the rest: PCA finds the two
    /// directions in order, its components are orthonormal, and projection centres the data.
    @Test func findsTheDominantDirectionsInOrder() {
        var generator = SeededGenerator(seed: 9)
        let dimension = 24, count = 600
        var first = (0..<dimension).map { _ in Float(generator.unit() - 0.5) }
        let firstNorm = first.reduce(0) { $0 + $1 * $1 }.squareRoot()
        first = first.map { $0 / firstNorm }
        var second = [Float](repeating: 0, count: dimension)
        second[0] = first[1]; second[1] = -first[0]
        let secondNorm = second.reduce(0) { $0 + $1 * $1 }.squareRoot()
        second = second.map { $0 / secondNorm }
        let data = FactorMatrix(rows: count, columns: dimension)
        for row in 0..<count {
            let a = Float(generator.unit() - 0.5) * 10, b = Float(generator.unit() - 0.5) * 4
            for k in 0..<dimension { data[row, k] = 3 + a * first[k] + b * second[k] + Float(generator.unit() - 0.5) * 0.1 }
        }
        let pca = PrincipalComponents.fit(data, rows: Array(0..<count), dimensions: 3)
        func dot(_ x: [Float], _ y: [Float]) -> Float { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(abs(abs(dot(pca.components[0], first)) - 1) < 1e-3)
        #expect(abs(abs(dot(pca.components[1], second)) - 1) < 1e-2)
        for i in 0..<3 { for j in 0..<3 { #expect(abs(dot(pca.components[i], pca.components[j]) - (i == j ? 1 : 0)) < 1e-4) } }
        let projected = pca.project(data)
        #expect(projected.columns == 3)
        let meanOfFirst = (0..<count).reduce(Float(0)) { $0 + projected[$1, 0] } / Float(count)
        #expect(abs(meanOfFirst) < 1e-2)
    }
}
