import Recommenders
import SeededRandom
import Testing

@Suite struct WRMFTests {
    /// A random interaction matrix with planted structure: users and items in `groups` clusters, each user liking
    /// mostly items of their own cluster.
    static func planted(users: Int = 120, items: Int = 60, groups: Int = 3, perUser: Int = 8, seed: UInt64 = 5) -> InteractionMatrix {
        var random = SeededGenerator(seed: seed)
        var pairs: [(user: Int32, item: Int32)] = []
        for user in 0..<users {
            let group = user % groups
            for _ in 0..<perUser {
                let item = random.chance(0.9) ? group + groups * random.below(items / groups) : random.below(items)
                pairs.append((Int32(user), Int32(item)))
            }
        }
        return InteractionMatrix(userCount: users, itemCount: items, pairs: pairs)
    }

    @Test func choleskySolvesAKnownSystem() throws {
        // [[4, 2], [2, 3]] x = [2, 1]  →  x = [0.5, 0]
        let x = try #require(Cholesky.solve([4, 2, 2, 3], [2, 1], n: 2))
        #expect(abs(x[0] - 0.5) < 1e-12 && abs(x[1]) < 1e-12)
        #expect(Cholesky.solve([1, 2, 2, 1], [1, 1], n: 2) == nil)  // indefinite
    }

    @Test func conjugateGradientConvergesToTheCholeskySolution() {
        let matrix = Self.planted()
        // With as many CG steps as factors, CG is exact in exact arithmetic; the factors must agree closely.
        let exact = WRMF(factors: 8, regularization: 0.5, alpha: 10, iterations: 3, solver: .cholesky, threads: 1).fit(matrix)
        let cg = WRMF(factors: 8, regularization: 0.5, alpha: 10, iterations: 3, conjugateGradientSteps: 8, threads: 1).fit(matrix)
        var worst: Float = 0
        for user in 0..<matrix.userCount {
            for k in 0..<8 { worst = max(worst, abs(exact.userFactors[user, k] - cg.userFactors[user, k])) }
        }
        #expect(worst < 1e-2)
        // And the objective they reach is the same to within a fraction of a percent.
        let configuration = WRMF(factors: 8, regularization: 0.5, alpha: 10)
        let exactLoss = exact.loss(matrix, configuration: configuration)
        let cgLoss = cg.loss(matrix, configuration: configuration)
        #expect(abs(exactLoss - cgLoss) / exactLoss < 0.005)
    }

    @Test func lossDecreasesAcrossIterations() {
        let matrix = Self.planted()
        let wrmf = WRMF(factors: 16, regularization: 0.1, alpha: 20, iterations: 8, threads: 2)
        var losses: [Double] = []
        _ = wrmf.fit(matrix) { _, model in losses.append(model.loss(matrix, configuration: wrmf)) }
        #expect(losses.count == 8)
        for (previous, next) in zip(losses, losses.dropFirst()) { #expect(next <= previous * 1.0001) }
        #expect(losses.last! < losses.first! * 0.9)
    }

    @Test func sameSeedAndThreadsGiveTheSameFactorsAndThreadCountDoesNotMatter() {
        let matrix = Self.planted()
        let a = WRMF(factors: 16, iterations: 4, seed: 9, threads: 2).fit(matrix)
        let b = WRMF(factors: 16, iterations: 4, seed: 9, threads: 2).fit(matrix)
        let single = WRMF(factors: 16, iterations: 4, seed: 9, threads: 1).fit(matrix)
        let other = WRMF(factors: 16, iterations: 4, seed: 10, threads: 2).fit(matrix)
        #expect(Array(a.itemFactors.storage) == Array(b.itemFactors.storage))
        #expect(Array(a.itemFactors.storage) == Array(single.itemFactors.storage))
        #expect(Array(a.itemFactors.storage) != Array(other.itemFactors.storage))
    }

    @Test func recoversThePlantedGroups() {
        let matrix = Self.planted()
        let model = WRMF(factors: 3, regularization: 1, alpha: 20, iterations: 10).fit(matrix)
        let lists = FactorSimilarity(neighbours: 5, threads: 2).similarItems(model.itemFactors)
        var inGroup = 0, total = 0
        for (item, list) in lists.enumerated() {
            for neighbour in list {
                total += 1
                if Int(neighbour.item) % 3 == item % 3 { inGroup += 1 }
            }
        }
        #expect(Double(inGroup) / Double(total) > 0.9)
    }

    @Test func foldInPlacesANewUserNearTheirGroup() {
        let matrix = Self.planted()
        let configuration = WRMF(factors: 3, regularization: 1, alpha: 20, iterations: 10)
        let model = configuration.fit(matrix)
        let factors = model.foldIn(likedItems: [0, 3, 6, 9], configuration: configuration)
        let n = model.itemFactors.stride
        var padded = factors + [Float](repeating: 0, count: n - factors.count)
        let scores = (0..<matrix.itemCount).map { item in
            padded.withUnsafeMutableBufferPointer { VectorKernels.dot(model.itemFactors.row(item), $0.baseAddress!, n) }
        }
        let ranked = scores.indices.sorted { scores[$0] > scores[$1] }.filter { ![0, 3, 6, 9].contains($0) }
        #expect(ranked.prefix(5).filter { $0 % 3 == 0 }.count >= 4)
    }
}

@Suite struct FactorSimilarityTests {
    @Test func matchesBruteForceCosineAndExcludesSelf() {
        var random = SeededGenerator(seed: 3)
        let factors = FactorMatrix(rows: 37, columns: 10)  // not a multiple of the 4 × 16 blocking
        for row in 0..<37 { for k in 0..<10 { factors[row, k] = Float(random.unit() * 2 - 1) } }
        let lists = FactorSimilarity(neighbours: 6, threads: 2).similarItems(factors)
        func cosine(_ a: Int, _ b: Int) -> Float {
            var dot: Float = 0, na: Float = 0, nb: Float = 0
            for k in 0..<10 { dot += factors[a, k] * factors[b, k]; na += factors[a, k] * factors[a, k]; nb += factors[b, k] * factors[b, k] }
            return dot / (na.squareRoot() * nb.squareRoot())
        }
        for item in 0..<37 {
            let expected = (0..<37).filter { $0 != item }.sorted { cosine(item, $0) > cosine(item, $1) }.prefix(6)
            #expect(lists[item].map { Int($0.item) } == Array(expected))
            #expect(!lists[item].contains { Int($0.item) == item })
            for neighbour in lists[item] { #expect(abs(neighbour.score - cosine(item, Int(neighbour.item))) < 1e-4) }
        }
    }
}

@Suite struct InteractionDataTests {
    @Test func kCoreReachesAFixedPoint() {
        // u1 likes a,b,c; u2 likes a,b; u3 likes a. With minimum 2/2: u3 goes, then c (1 like) goes, and so on.
        let triples: [(user: String, item: String, weight: Float)] = [
            ("u1", "a", 1), ("u1", "b", 1), ("u1", "c", 1), ("u2", "a", 1), ("u2", "b", 1), ("u3", "a", 1)]
        let kept = KCoreFilter(minimumUserInteractions: 2, minimumItemInteractions: 2).apply(triples)
        #expect(kept.map { "\($0.user)\($0.item)" } == ["u1a", "u1b", "u2a", "u2b"])
        // Applying it again changes nothing.
        #expect(KCoreFilter(minimumUserInteractions: 2, minimumItemInteractions: 2).apply(kept).count == kept.count)
        // A chain that unravels completely.
        let chain: [(user: String, item: String, weight: Float)] = [("x", "p", 1), ("x", "q", 1), ("y", "q", 1)]
        #expect(KCoreFilter(minimumUserInteractions: 2, minimumItemInteractions: 2).apply(chain).isEmpty)
    }

    @Test func indexingIsSortedAndFoldsRepeatsByMaximum() {
        let data = InteractionData(triples: [("b", "y", 1), ("a", "x", 2), ("b", "y", 3)])
        #expect(data.userIDs == ["a", "b"] && data.itemIDs == ["x", "y"])
        #expect(data.matrix.interactionCount == 2)
        #expect(data.matrix.userValues == [2, 3])
    }

    @Test func confidenceScalings() {
        let matrix = InteractionMatrix(userCount: 2, itemCount: 2, entries: [(0, 0, 3), (1, 0, 1), (1, 1, 1)])
        #expect(ConfidenceScaling.linear.scaled(matrix).userValues == [3, 1, 1])
        #expect(abs(ConfidenceScaling.log.scaled(matrix).userValues[0] - 1.3862944) < 1e-6)
        let bm25 = ConfidenceScaling.bm25.scaled(matrix).userValues
        // Item 0 is liked by everyone: its weight is smaller than item 1's for the same user.
        #expect(bm25[1] < bm25[2])
    }
}
